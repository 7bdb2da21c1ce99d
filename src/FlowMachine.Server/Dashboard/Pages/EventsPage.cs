using System.Text;
using FlowMachine.Operations;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// Events by correlation key: the events kept for flows that wait later, the flows that wait by event and key (a user's
/// own, everything for an administrator), a filter by name and key, and a form that raises an event by key.
/// </summary>
internal static class EventsPage
{
    public static Task<IResult> RenderAsync(HttpContext http, EventVerbs events, string? name, string? key, string? raised, int? reached, CancellationToken cancellationToken) =>
        RenderAsync(DashboardRequest.For(http), events, new EventsPageState(name, key, Notice(raised, reached)), StatusCodes.Status200OK, cancellationToken);

    public static async Task<IResult> RenderAsync(DashboardRequest request, EventVerbs events, EventsPageState state, int status, CancellationToken cancellationToken)
    {
        var listing = await events.ListAsync(request.User, state.Name, state.Key, EventVerbs.DefaultListLimit, cancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append("<h1>Events</h1><p class=\"lead\">Events raised by correlation key reach every flow that waits for their name and key, and are kept for flows that wait later. ");
        html.Append(request.User.IsAdmin ? "You see every user's events and flows.</p>" : "You see the events you raised and your own flows.</p>");
        html.Append(SchedulesPage.Alerts(state.Notice, state.Error));
        html.Append($"""
            <form class="filters card" method="get" action="/events" role="search" aria-label="Filter events">
            <label>Name <input name="name" value="{Html.E(state.Name)}" placeholder="any"></label>
            <label>Key <input name="key" value="{Html.E(state.Key)}" placeholder="any"></label>
            <button type="submit">Filter</button> <a href="/events">Clear</a>
            </form>
            """);
        html.Append(KeptTable(listing.Kept));
        html.Append(WaitingTable(listing.Waiting));
        html.Append(RaiseForm(request, state));
        return Layout.Page(request, "Events", "events", html.ToString(), status);
    }

    private static string KeptTable(IReadOnlyList<KeptEventRecord> kept)
    {
        var html = new StringBuilder("<section class=\"card\" aria-labelledby=\"kept-h\"><h2 id=\"kept-h\">Kept events</h2>");
        if (kept.Count == 0)
        {
            return html.Append("<p class=\"muted\">No kept events.</p></section>").ToString();
        }

        html.Append("""
            <table aria-label="Kept events"><thead><tr><th scope="col">Event</th><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Id</th>
            <th scope="col">Raised</th><th scope="col">Kept until</th></tr></thead><tbody>
            """);
        foreach (var e in kept)
        {
            html.Append($"""
                <tr data-event="{Html.E(e.Name)}" data-key="{Html.E(e.Key)}"><td class="mono">{Html.E(e.Name)}</td><td class="mono">{Html.E(e.Key)}</td>
                <td><code>{Html.E(Html.CompactJson(e.Value))}</code></td><td class="mono">{Html.E(e.Id ?? "")}</td>
                <td class="nowrap">{Html.Time(e.RaisedAt)}</td><td class="nowrap">{Html.Time(e.KeepUntil)}</td></tr>
                """);
        }

        return html.Append("</tbody></table></section>").ToString();
    }

    private static string WaitingTable(IReadOnlyList<KeyedWaitRecord> waiting)
    {
        var html = new StringBuilder("<section class=\"card\" aria-labelledby=\"waiting-h\"><h2 id=\"waiting-h\">Flows waiting by event and key</h2>");
        if (waiting.Count == 0)
        {
            return html.Append("<p class=\"muted\">No flow waits for an event by key.</p></section>").ToString();
        }

        html.Append("""
            <table aria-label="Flows waiting by event and key"><thead><tr><th scope="col">Flow</th><th scope="col">Routine</th><th scope="col">Step</th>
            <th scope="col">Event</th><th scope="col">Key</th><th scope="col">Waiting since</th></tr></thead><tbody>
            """);
        foreach (var w in waiting)
        {
            var routine = w.Routine is null ? "<span class=\"muted\">spec</span>" : $"<a href=\"/routines/{Html.U(w.Routine)}\">{Html.E(w.Routine)}</a>";
            html.Append($"""
                <tr data-flow="{Html.E(w.FlowId)}"><td class="mono"><a href="/flows/{Html.U(w.FlowId)}">{Html.E(w.FlowId)}</a></td><td>{routine}</td>
                <td class="mono">{Html.E(w.StepKey)}</td><td class="mono">{Html.E(w.EventName)}</td><td class="mono">{Html.E(w.Key)}</td>
                <td class="nowrap">{Html.Time(w.WaitingSince)}</td></tr>
                """);
        }

        return html.Append("</tbody></table></section>").ToString();
    }

    private static string RaiseForm(DashboardRequest request, EventsPageState state) => $"""
        <section class="card" aria-labelledby="raise-h"><h2 id="raise-h">Raise an event by key</h2>
        <form method="post" action="/events" aria-label="Raise an event by key" class="stack-form">{request.CsrfInput}
        <label for="raise-name">Event name</label>
        <input id="raise-name" name="name" required maxlength="{InputLimits.MaxEventNameLength}" value="{Html.E(state.RaiseName)}" placeholder="shipment.packed">
        <label for="raise-key">Key</label>
        <input id="raise-key" name="key" required maxlength="{InputLimits.MaxEventKeyLength}" value="{Html.E(state.RaiseKey)}" placeholder="A-1042">
        <label for="raise-value">Value (JSON)</label>
        <textarea id="raise-value" name="value" rows="3" data-json spellcheck="false" class="code" placeholder="optional">{Html.E(state.RaiseValue)}</textarea>
        <p class="json-error" role="alert" aria-live="polite"></p>
        <label for="raise-id">Id (optional: an id seen before does nothing)</label>
        <input id="raise-id" name="id" maxlength="{InputLimits.MaxEventKeyLength}" value="{Html.E(state.RaiseId)}">
        <button type="submit">Raise event</button>
        </form></section>
        """;

    /// <summary>What the raise form did, after its redirect (post/redirect/get).</summary>
    private static string? Notice(string? raised, int? reached) => raised switch
    {
        "duplicate" => "That event id was seen before: nothing was done.",
        "yes" => $"Event raised: it reached {reached ?? 0} waiting flow(s) and is kept for flows that wait for it later.",
        _ => null,
    };
}
