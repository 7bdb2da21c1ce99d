using System.Text;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;
using StoreFlowPage = FlowMachine.Storage.FlowPage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>The flows table: filtered by state, routine, key and a search (tags, attributes, creation time, error text), paged by cursor, its rows refreshed live by the page script.</summary>
internal static class FlowsPage
{
    private const int PageSize = 25;

    public static async Task<IResult> RenderAsync(HttpContext http, IFlowQueryStore store, string? state, string? routine, string? key, string? after, string? q, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var (page, problem) = await ReadAsync(store, request, state, routine, key, after, q, cancellationToken).ConfigureAwait(false);
        var query = QueryString(state, routine, key, after, q);
        var html = new StringBuilder();
        html.Append("<h1>Flows</h1>");
        html.Append("<form class=\"filters card\" method=\"get\" action=\"/flows\" role=\"search\" aria-label=\"Filter flows\">");
        html.Append("<label>State <select name=\"state\"><option value=\"\">any</option>");
        foreach (var s in Enum.GetValues<FlowState>().Select(s => s.ToName()))
        {
            var selected = string.Equals(s, state, StringComparison.OrdinalIgnoreCase) ? " selected" : string.Empty;
            html.Append($"<option{selected}>{s}</option>");
        }

        html.Append($"""
            </select></label>
            <label>Routine <input name="routine" value="{Html.E(routine)}" placeholder="any"></label>
            <label>Key <input name="key" value="{Html.E(key)}" placeholder="any"></label>
            <label>Search <input type="search" name="q" value="{Html.E(q)}" placeholder="{FlowSearchBox.Hint}" size="40"></label>
            <button type="submit">Filter</button> <a href="/flows">Clear</a>
            </form>
            """);
        if (problem is not null)
        {
            html.Append($"<p class=\"alert error\" role=\"alert\">{Html.E(problem)}</p>");
        }

        html.Append($"""
            <form method="post" action="/flows/bulk" aria-label="Selected flows">{request.CsrfInput}
            <table class="flows" aria-label="Flows" data-live-rows="/flows/rows{Html.E(query)}">
            <thead><tr><th scope="col">Select</th><th scope="col">Flow</th><th scope="col">Routine</th><th scope="col">Key</th><th scope="col">Owner</th><th scope="col">State</th><th scope="col">Position</th><th scope="col">Updated</th></tr></thead>
            <tbody>{Rows(page)}</tbody></table>
            <p class="actions">With the selected flows:
            <button type="submit" name="action" value="retry">Retry selected</button>
            <button type="submit" name="action" value="cancel">Cancel selected</button>
            <button type="submit" name="action" value="delete">Delete selected</button>
            <a class="button" href="/flows/bulk/confirm{Html.E(QueryString("FAILED", routine, key, null, q))}">Retry all failed in this view</a></p>
            </form>
            """);
        html.Append("<nav class=\"pager\" aria-label=\"Pages\">");
        if (after is not null)
        {
            html.Append($"<a href=\"/flows{Html.E(QueryString(state, routine, key, null, q))}\">← First page</a> ");
        }

        if (page?.Next is { } next)
        {
            html.Append($"<a rel=\"next\" href=\"/flows{Html.E(QueryString(state, routine, key, next, q))}\">Next page →</a>");
        }

        html.Append("</nav>");
        return Layout.Page(request, "Flows", "flows", html.ToString());
    }

    /// <summary>Just the table rows, for the live refresh.</summary>
    public static async Task<IResult> RowsAsync(HttpContext http, IFlowQueryStore store, string? state, string? routine, string? key, string? after, string? q, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var (page, _) = await ReadAsync(store, request, state, routine, key, after, q, cancellationToken).ConfigureAwait(false);
        return new HtmlResult(Rows(page));
    }

    private static async Task<(StoreFlowPage? Page, string? Problem)> ReadAsync(
        IFlowQueryStore store, DashboardRequest request, string? state, string? routine, string? key, string? after, string? q, CancellationToken cancellationToken)
    {
        var (query, problem) = Query(request, state, routine, key, q);
        if (query is null)
        {
            return (null, problem);
        }

        query = query with { Limit = PageSize, After = string.IsNullOrEmpty(after) ? null : after };
        try
        {
            return (await store.ListFlowsAsync(query, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ArgumentException)
        {
            return (null, "That page link is no longer valid; start from the first page.");
        }
    }

    /// <summary>The view's filters as a query (the caller's own flows unless an administrator), or why they are wrong.</summary>
    public static (FlowQuery? Query, string? Problem) Query(DashboardRequest request, string? state, string? routine, string? key, string? q)
    {
        FlowState? wanted = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!StateNames.TryParseFlowState(state, out var parsed))
            {
                return (null, $"'{state}' is not a flow state.");
            }

            wanted = parsed;
        }

        var query = new FlowQuery
        {
            State = wanted,
            Routine = string.IsNullOrWhiteSpace(routine) ? null : routine.Trim(),
            Key = string.IsNullOrWhiteSpace(key) ? null : key.Trim(),
            Owner = request.User.IsAdmin ? null : request.User.Name,
        };
        (query, var searchProblem) = FlowSearchBox.Apply(query, q);
        return searchProblem is null ? (query, null) : (null, searchProblem);
    }

    private static string Rows(StoreFlowPage? page)
    {
        if (page is null || page.Items.Count == 0)
        {
            return "<tr><td colspan=\"8\" class=\"muted\">No flows match.</td></tr>";
        }

        var html = new StringBuilder();
        foreach (var f in page.Items)
        {
            var name = f.Label is { Length: > 0 } label ? Html.E(label) : $"<span class=\"mono\">{Html.E(f.Id)}</span>";
            var routine = f.Routine is null ? "<span class=\"muted\">inline</span>" : $"<a href=\"/routines/{Html.U(f.Routine)}?version={f.RoutineVersion}\">{Html.E(f.Routine)}</a> <span class=\"muted\">v{f.RoutineVersion}</span>";
            html.Append($"""<tr data-flow-id="{Html.E(f.Id)}"><td><input type="checkbox" name="id" value="{Html.E(f.Id)}" aria-label="Select {Html.E(f.Id)}"></td><td><a href="/flows/{Html.U(f.Id)}">{name}</a></td><td>{routine}</td><td class="mono">{Html.E(f.Key)}</td><td>{Html.E(f.Owner)}</td><td>{Html.Badge(f.State.ToName())}</td><td>{f.Position}</td><td>{Html.Time(f.UpdatedAt)}</td></tr>""");
        }

        return html.ToString();
    }

    private static string QueryString(string? state, string? routine, string? key, string? after, string? q)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("state", state);
        Add("routine", routine);
        Add("key", key);
        Add("q", q);
        Add("after", after);
        return parts.Count == 0 ? string.Empty : "?" + string.Join("&", parts);
    }
}
