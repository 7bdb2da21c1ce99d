using System.Text;
using FlowMachine.Operations;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// The action forms of a flow page, only those that apply to the flow's state: push and resubmit while a
/// step waits, events and cancel until the flow ends, retry once it failed, was killed or cancelled, reset always, position for admins. The page script
/// fetches the panel again (<c>/flows/{id}/actions</c>) when the state or position changes live.
/// </summary>
internal static class FlowActionsPanel
{
    public static async Task<IResult> RenderAsync(HttpContext http, FlowVerbs verbs, string id, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var view = await verbs.ViewAsync(id, request.User, cancellationToken).ConfigureAwait(false);
        return view is null ? FlowPage.NotFound(request, id) : new HtmlResult(Render(request, view));
    }

    public static string Render(DashboardRequest request, FlowView view)
    {
        var flow = view.Flow;
        var action = $"/flows/{Html.U(flow.Id)}";
        var csrf = request.CsrfInput;
        var waiting = view.Steps.Any(s => s.State == StepState.Waiting);
        var ended = flow.State.IsTerminal();
        var html = new StringBuilder();
        html.Append($"""
            <section class="card" id="flow-actions" aria-labelledby="actions-h" data-actions="{action}/actions" data-state="{flow.State.ToName()}" data-position="{flow.Position}"><h2 id="actions-h">Actions</h2>
            <div class="actions">
            """);
        if (waiting)
        {
            html.Append($"""
                <form method="post" action="{action}/push" aria-label="Push a value" class="action">{csrf}
                <h3>Push a value</h3><p class="note">The value becomes the waiting step's result.</p>
                <label for="push-value">Value (JSON)</label>
                <textarea id="push-value" name="value" rows="4" data-json spellcheck="false" placeholder='{"{"}"approved": true{"}"}'></textarea>
                <p class="json-error" role="alert" aria-live="polite"></p>
                <label for="push-step">Step (when several wait)</label><input id="push-step" name="step" placeholder="optional">
                <button type="submit">Push value</button></form>

                <form method="post" action="{action}/submit" aria-label="Resubmit" class="action">{csrf}
                <h3>Resubmit</h3><p class="note">The waiting step's check runs with these arguments.</p>
                <label for="submit-args">Arguments (JSON)</label>
                <textarea id="submit-args" name="args" rows="4" data-json spellcheck="false" placeholder="optional"></textarea>
                <p class="json-error" role="alert" aria-live="polite"></p>
                <label for="submit-step">Step (when several wait)</label><input id="submit-step" name="step" placeholder="optional">
                <button type="submit">Resubmit</button></form>
                """);
        }

        if (!ended)
        {
            html.Append($"""
                <form method="post" action="{action}/event" aria-label="Raise an event" class="action">{csrf}
                <h3>Raise an event</h3><p class="note">Kept until a step waits for it.</p>
                <label for="event-name">Event name</label><input id="event-name" name="name" required maxlength="{InputLimits.MaxEventNameLength}">
                <label for="event-value">Value (JSON)</label>
                <textarea id="event-value" name="value" rows="3" data-json spellcheck="false" placeholder="optional"></textarea>
                <p class="json-error" role="alert" aria-live="polite"></p>
                <button type="submit">Raise event</button></form>

                <form method="post" action="{action}/cancel" aria-label="Cancel the flow" class="action">{csrf}
                <h3>Cancel</h3>
                <label for="cancel-reason">Reason</label><input id="cancel-reason" name="reason" placeholder="optional">
                <button type="submit" class="danger">Cancel flow</button></form>
                """);
        }

        if (flow.State is FlowState.Failed or FlowState.Killed or FlowState.Cancelled)
        {
            html.Append($"""
                <form method="post" action="{action}/retry" aria-label="Retry the flow" class="action">{csrf}
                <h3>Retry</h3><p class="note">Goes on from where the flow stopped: failed and skipped steps run again, completed steps keep their results.</p>
                <button type="submit">Retry flow</button></form>
                """);
        }

        html.Append(Forms.PauseForms.FlowForm(request, flow));
        html.Append($"""
            <form method="post" action="{action}/reset" aria-label="Reset the flow" class="action">{csrf}
            <h3>Reset</h3><p class="note">Runs the flow again from its first step.</p>
            <button type="submit" class="danger">Reset flow</button></form>
            """);
        if (request.User.IsAdmin)
        {
            html.Append($"""
                <form method="post" action="{action}/position" aria-label="Move the position" class="action">{csrf}
                <h3>Move position <span class="tag">admin</span></h3><p class="note" data-testid="position-now">The index of the step that runs next (now {flow.Position}).</p>
                <label for="position-value">Position</label><input id="position-value" name="position" type="number" min="0" max="{Math.Max(0, view.Steps.Count - 1)}" required value="{flow.Position}">
                <button type="submit" class="danger">Move position</button></form>
                """);
        }

        html.Append("</div></section>");
        return html.ToString();
    }
}
