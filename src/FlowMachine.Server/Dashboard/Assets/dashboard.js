// FlowMachine dashboard: JSON checks on forms, copy buttons, the live DAG on a flow page, live rows on the flows table.
// Plain browser JavaScript, served by the server; no build step.
"use strict";

(function () {
  const terminal = new Set(["COMPLETED", "FAILED", "KILLED", "CANCELLED"]);

  // A textarea marked data-json must hold JSON (or nothing); the server checks again.
  function checkJson(area) {
    const message = area.parentElement.querySelector(".json-error") || area.nextElementSibling;
    const text = area.value.trim();
    let error = "";
    if (text !== "") {
      try { JSON.parse(text); } catch (e) { error = "Not valid JSON: " + e.message; }
    }
    area.setAttribute("aria-invalid", error ? "true" : "false");
    if (message && message.classList.contains("json-error")) message.textContent = error;
    return error === "";
  }

  function wireJsonFields(root) {
    (root || document).querySelectorAll("textarea[data-json]").forEach(function (area) {
      area.addEventListener("input", function () { checkJson(area); });
      area.form.addEventListener("submit", function (event) {
        let ok = true;
        area.form.querySelectorAll("textarea[data-json]").forEach(function (a) { ok = checkJson(a) && ok; });
        if (!ok) { event.preventDefault(); area.focus(); }
      });
    });
  }

  function setBadge(holder, state) {
    const badge = holder && holder.querySelector(".badge");
    if (!badge) return;
    badge.className = "badge state-" + state.toLowerCase();
    badge.dataset.state = state;
    badge.textContent = state;
  }

  function nodeOf(key) {
    const dag = document.getElementById("flow-dag");
    return dag && dag.querySelector('g.dag-node[data-key="' + CSS.escape(key) + '"]');
  }

  function paintNode(node, state, taskType) {
    if (!node) return;
    node.setAttribute("class", "dag-node state-" + state.toLowerCase());
    node.dataset.state = state;
    const label = node.querySelector(".dag-state");
    if (label) label.textContent = state;
    const title = node.querySelector("title");
    if (title && taskType) title.textContent = node.dataset.key + " (" + taskType + "): " + state;
    else if (title) title.textContent = title.textContent.replace(/: [A-Z]+$/, ": " + state);
  }

  // Fetches server-rendered HTML for one part of the page; a newer fetch of the same part cancels the older.
  const fetches = {};
  function fetchPart(part, url, apply) {
    if (fetches[part]) fetches[part].abort();
    const controller = fetches[part] = new AbortController();
    fetch(url, { credentials: "same-origin", signal: controller.signal })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) apply(html); })
      .catch(function () { /* a newer refresh replaced this one */ });
  }

  // The action forms depend on the flow's state and position: fetch them again when either changes.
  function refreshActions(flow) {
    const panel = document.getElementById("flow-actions");
    if (!panel) return;
    if (panel.dataset.state === flow.state && panel.dataset.position === String(flow.position)) return;
    panel.dataset.state = flow.state;
    panel.dataset.position = String(flow.position);
    fetchPart("actions", panel.dataset.actions, function (html) {
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const fresh = holder.firstElementChild;
      if (!fresh) return;
      panel.replaceWith(fresh);
      wireJsonFields(fresh);
    });
  }

  // The flow page: recolour DAG nodes from the stream, then refresh the server-rendered details.
  function wireLiveFlow() {
    const dag = document.getElementById("flow-dag");
    if (!dag || !dag.dataset.live || !window.EventSource) return;
    const source = new EventSource(dag.dataset.live);
    source.addEventListener("flow", function (event) {
      const flow = JSON.parse(event.data);
      (flow.steps || []).forEach(function (step) {
        // A step waiting for children it spawned is shown SPAWNED; the stream calls it WAITING.
        const node = nodeOf(step.key);
        const shown = step.state === "WAITING" && node && node.dataset.state === "SPAWNED" ? "SPAWNED" : step.state;
        paintNode(node, shown, step.taskType);
      });
      refreshActions(flow);
      setBadge(document.getElementById("flow-state"), flow.state);
      document.body.dataset.flowState = flow.state;
      if (terminal.has(flow.state)) source.close();
      fetchPart("details", dag.dataset.details, function (html) {
        const details = document.getElementById("flow-details");
        // Keep open <details> open across refreshes.
        const open = new Set(Array.from(details.querySelectorAll("details[open]")).map(function (d) { return d.dataset.step; }));
        details.innerHTML = html;
        details.querySelectorAll("details[data-step]").forEach(function (d) {
          if (open.has(d.dataset.step)) d.open = true;
          // The server knows which waiting steps wait for spawned children.
          const node = nodeOf(d.dataset.step);
          if (node && d.dataset.state && node.dataset.state !== d.dataset.state) paintNode(node, d.dataset.state, null);
        });
      });
    });
  }

  // The flows table: re-read the rows every few seconds while the tab is visible. The ticked boxes (the
  // selection for a bulk action) survive a refresh for every flow still shown.
  function wireLiveRows() {
    const table = document.querySelector("table[data-live-rows]");
    if (!table) return;
    const body = table.tBodies[0];
    function ticked() {
      const ids = new Set();
      body.querySelectorAll("input[type=checkbox][name=id]").forEach(function (box) { if (box.checked) ids.add(box.value); });
      return ids;
    }
    setInterval(function () {
      if (document.hidden) return;
      fetch(table.dataset.liveRows, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || html === body.innerHTML) return;
          // Read the selection as the rows are swapped, so a box ticked while the request was out counts.
          const keep = ticked();
          body.innerHTML = html;
          body.querySelectorAll("input[type=checkbox][name=id]").forEach(function (box) { box.checked = keep.has(box.value); });
        })
        .catch(function () { /* try again next time */ });
    }, 3000);
  }

  // On a phone the top bar's links fold behind a Menu button.
  function wireMenu() {
    const toggle = document.querySelector(".menu-toggle");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      const open = toggle.closest(".topbar").classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // A button marked data-copy copies the text of the element it names (a secret shown once); hidden without a script.
  function wireCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      const done = button.parentElement.querySelector(".copy-done");
      function say(text) { if (done) done.textContent = text; }
      function copyBySelection() {
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        say(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.");
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        const text = source.textContent.trim();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(function () { say("Copied."); }, copyBySelection);
        } else {
          copyBySelection();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireMenu();
    wireCopyButtons();
    wireJsonFields();
    wireLiveFlow();
    wireLiveRows();
  });
})();
