// FlowMachine dashboard: JSON checks on forms, the live DAG on a flow page, live rows on the flows table.
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

  function wireJsonFields() {
    document.querySelectorAll("textarea[data-json]").forEach(function (area) {
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

  // The flow page: recolour DAG nodes from the stream, then refresh the server-rendered details.
  function wireLiveFlow() {
    const dag = document.getElementById("flow-dag");
    if (!dag || !dag.dataset.live || !window.EventSource) return;
    const source = new EventSource(dag.dataset.live);
    let pending = null;
    source.addEventListener("flow", function (event) {
      const flow = JSON.parse(event.data);
      (flow.steps || []).forEach(function (step) {
        const node = dag.querySelector('g.dag-node[data-key="' + CSS.escape(step.key) + '"]');
        if (!node) return;
        node.setAttribute("class", "dag-node state-" + step.state.toLowerCase());
        node.dataset.state = step.state;
        const label = node.querySelector(".dag-state");
        if (label) label.textContent = step.state;
        const title = node.querySelector("title");
        if (title) title.textContent = step.key + " (" + step.taskType + "): " + step.state;
      });
      setBadge(document.getElementById("flow-state"), flow.state);
      document.body.dataset.flowState = flow.state;
      if (terminal.has(flow.state)) source.close();
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(dag.dataset.details, { credentials: "same-origin", signal: pending.signal })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          const details = document.getElementById("flow-details");
          // Keep open <details> open across refreshes.
          const open = new Set(Array.from(details.querySelectorAll("details[open]")).map(function (d) { return d.dataset.step; }));
          details.innerHTML = html;
          details.querySelectorAll("details[data-step]").forEach(function (d) { if (open.has(d.dataset.step)) d.open = true; });
        })
        .catch(function () { /* a newer refresh replaced this one */ });
    });
  }

  // The flows table: re-read the rows every few seconds while the tab is visible.
  function wireLiveRows() {
    const table = document.querySelector("table[data-live-rows]");
    if (!table) return;
    const body = table.tBodies[0];
    setInterval(function () {
      if (document.hidden) return;
      fetch(table.dataset.liveRows, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null && html !== body.innerHTML) body.innerHTML = html; })
        .catch(function () { /* try again next time */ });
    }, 3000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireJsonFields();
    wireLiveFlow();
    wireLiveRows();
  });
})();
