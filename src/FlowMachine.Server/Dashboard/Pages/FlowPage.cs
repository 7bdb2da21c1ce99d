using System.Globalization;
using System.Text;
using FlowMachine.Operations;
using FlowMachine.Server.Dashboard.Dag;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// One flow: its DAG picture coloured by step state (recoloured live from the stream), timeline, steps with
/// results and errors, history, wait reason, and the action forms.
/// </summary>
internal static class FlowPage
{
    private const int HistoryLimit = 500;

    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["push"] = "Value pushed: the waiting step takes it as its result and the flow goes on.",
        ["submit"] = "Resubmitted: the waiting step's check runs with the arguments.",
        ["event"] = "Event raised: a step waiting for it takes it.",
        ["cancel"] = "Cancel requested.",
        ["reset"] = "Reset requested: the flow starts again from its first step.",
        ["retry"] = "Retry requested: the flow goes on from where it stopped.",
        ["position"] = "Position moved.",
        ["suspend"] = "Flow suspended: steps in flight finish, nothing more runs until it is resumed.",
        ["resume"] = "Flow resumed.",
        ["started"] = "Flow started.",
    };

    /// <summary>" · worker lost 3 times" on a step whose worker was lost while running it; nothing otherwise.</summary>
    private static string Recoveries(StepRecord step) => step.Recoveries switch
    {
        0 => string.Empty,
        1 => " <span class=\"muted\" data-testid=\"step-recoveries\" title=\"the worker running this step was lost (its lease was taken over)\">· worker lost once</span>",
        var n => $" <span class=\"muted\" data-testid=\"step-recoveries\" title=\"the worker running this step was lost (its lease was taken over)\">· worker lost {n} times</span>",
    };

    public static async Task<IResult> RenderAsync(HttpContext http, FlowVerbs verbs, FlowPageReads reads, string id, string? notice, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var view = await verbs.ViewAsync(id, request.User, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return NotFound(request, id);
        }

        return await RenderAsync(request, reads, view, notice is not null ? Notices.GetValueOrDefault(notice) : null, null, StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false);
    }

    public static IResult NotFound(DashboardRequest request, string id) =>
        Layout.Message(request, StatusCodes.Status404NotFound, "Flow not found", $"Flow {id} does not exist, or it is not yours.");

    /// <summary>The page, optionally with a notice or an error from a refused action.</summary>
    public static async Task<IResult> RenderAsync(DashboardRequest request, FlowPageReads reads, FlowView view, string? notice, string? error, int status, CancellationToken cancellationToken)
    {
        var flow = view.Flow;
        var html = new StringBuilder();
        var title = flow.Label ?? flow.Routine ?? "Flow";
        html.Append($"""
            <div class="flow-head">
            <div><p class="crumbs"><a href="/flows">Flows</a> /</p>
            <h1>{Html.E(title)} <span id="flow-state" aria-live="polite">{Html.Badge(flow.State.ToName())}</span>{Forms.PauseForms.Badges(flow)}</h1>
            <p class="mono muted" data-testid="flow-id">{Html.E(flow.Id)}</p></div>
            <dl class="meta">
            <div><dt>Routine</dt><dd>{(flow.Routine is null ? "inline spec" : $"<a href=\"/routines/{Html.U(flow.Routine)}?version={flow.RoutineVersion}\">{Html.E(flow.Routine)}</a> v{flow.RoutineVersion}")}</dd></div>
            <div><dt>Owner</dt><dd>{Html.E(flow.Owner)}</dd></div>
            <div><dt>Key</dt><dd class="mono">{Html.E(flow.Key ?? "—")}</dd></div>
            {ScheduleMeta(flow)}
            <div><dt>Priority</dt><dd data-testid="flow-priority">{flow.Priority.ToString(CultureInfo.InvariantCulture)}</dd></div>
            {FlowLabelsHtml.Tags(flow)}
            <div><dt>Created</dt><dd>{Html.Time(flow.CreatedAt)}</dd></div>
            </dl></div>
            """);
        if (notice is not null)
        {
            html.Append($"<p class=\"alert notice\" role=\"status\">{Html.E(notice)}</p>");
        }

        if (error is not null)
        {
            html.Append($"<p class=\"alert error\" role=\"alert\" data-testid=\"action-error\">{Html.E(error)}</p>");
        }

        var nodes = DagLayout.Arrange(SpecJson.Deserialize(flow.SpecJson));
        var states = view.Steps.ToDictionary(s => s.Key, StepStateName.Of, StringComparer.Ordinal);
        var live = flow.State.IsTerminal() ? string.Empty : $" data-live=\"/flows/{Html.U(flow.Id)}/live\"";
        html.Append($"""
            <section class="card" aria-labelledby="dag-h">
            <h2 id="dag-h">Steps</h2>
            <div class="dag-wrap" id="flow-dag" data-flow-id="{Html.E(flow.Id)}" data-details="/flows/{Html.U(flow.Id)}/details"{live}>
            {DagSvg.Render(nodes, k => states.GetValueOrDefault(k), $"Steps of flow {flow.Id}")}
            </div>
            <ul class="legend" aria-label="Legend">{string.Concat(StepStateName.Legend().Select(s => $"<li><span class=\"swatch state-{s.ToLowerInvariant()}\"></span>{s}</li>"))}</ul>
            </section>
            <div id="flow-details">{await DetailsHtmlAsync(reads, view, cancellationToken).ConfigureAwait(false)}</div>
            {FlowActionsPanel.Render(request, view)}
            """);
        return Layout.Page(request, title, "flows", html.ToString(), status);
    }

    /// <summary>For a flow a schedule started: the schedule, linked to its page, and the slot it was started for.</summary>
    private static string ScheduleMeta(Storage.FlowRecord flow) => flow.Schedule is { } schedule
        ? $"<div><dt>Schedule</dt><dd data-testid=\"flow-schedule\"><a href=\"/schedules/{Html.U(schedule)}\">{Html.E(schedule)}</a> <span class=\"muted\">(slot {Html.Time(flow.Slot)} UTC)</span></dd></div>"
        : string.Empty;

    /// <summary>The parts the page script swaps in after each change: wait reason, result, attributes, timeline, steps, history.</summary>
    public static async Task<IResult> DetailsAsync(HttpContext http, FlowVerbs verbs, FlowPageReads reads, string id, CancellationToken cancellationToken)
    {
        var request = DashboardRequest.For(http);
        var view = await verbs.ViewAsync(id, request.User, cancellationToken).ConfigureAwait(false);
        return view is null ? NotFound(request, id) : new HtmlResult(await DetailsHtmlAsync(reads, view, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Steps that may start but wait for a concurrency slot or a rate token, and why.</summary>
    private static void AppendHeldBack(StringBuilder html, FlowView view)
    {
        var held = view.Steps.Where(s => s.State == StepState.Pending && s.WaitReason is not null).ToList();
        if (held.Count == 0 || view.Flow.State.IsTerminal())
        {
            return;
        }

        html.Append("<section class=\"alert waiting\" aria-label=\"Held back\" data-testid=\"held-back\"><strong>Held back.</strong> ");
        foreach (var s in held)
        {
            html.Append($"Step <span class=\"mono\">{Html.E(s.Key)}</span>: {Html.E(s.WaitReason)}");
            if (s.NotBefore is not null)
            {
                html.Append($" (asks again by {Html.Time(s.NotBefore)})");
            }

            html.Append(". ");
        }

        html.Append("It starts by itself; no worker is held while it waits.</section>");
    }

    private static async Task<string> DetailsHtmlAsync(FlowPageReads reads, FlowView view, CancellationToken cancellationToken)
    {
        var flow = view.Flow;
        var html = new StringBuilder();
        if (!flow.State.IsTerminal() || Diagnosis.FlowDiagnoser.FailedByDeadline(flow))
        {
            var why = await reads.Diagnoser.DiagnoseAsync(view, cancellationToken).ConfigureAwait(false);
            html.Append($"<section class=\"alert notice\" aria-label=\"Why this flow is not moving\" data-testid=\"diagnosis\" data-kind=\"{Html.E(why.Kind)}\"><strong>{(flow.State.IsTerminal() ? "Why did it fail?" : "Why is it not moving?")}</strong> {Html.E(why.Summary)}</section>");
        }

        if (flow.State == FlowState.Waiting || view.Steps.Any(s => s.State == StepState.Waiting))
        {
            var waiting = view.Steps.Where(s => s.State == StepState.Waiting).ToList();
            html.Append("<section class=\"alert waiting\" aria-label=\"Wait reason\" data-testid=\"wait-reason\"><strong>Waiting.</strong> ");
            foreach (var s in waiting)
            {
                html.Append($"Step <span class=\"mono\">{Html.E(s.Key)}</span>: {Html.E(s.WaitReason ?? flow.WaitReason ?? "no reason given")}");
                if (s.WaitEvent is not null)
                {
                    html.Append($" (resumes on event <span class=\"mono\">{Html.E(s.WaitEvent)}</span>)");
                }

                if (s.WaitUntil is not null)
                {
                    html.Append($" (resumes by itself at {Html.Time(s.WaitUntil)})");
                }

                html.Append(". ");
            }

            if (waiting.Count == 0)
            {
                html.Append(Html.E(flow.WaitReason));
            }

            html.Append(" Push a value, resubmit, or raise an event below.</section>");
        }

        if (Routing.WorkerWait.Of(flow.Route) is { } wait && !flow.State.IsTerminal())
        {
            html.Append($"<section class=\"alert waiting\" aria-label=\"Waiting for a worker\" data-testid=\"worker-wait\"><strong>Waiting for a worker.</strong> The next step needs {Html.E(wait.ToString())}; see <a href=\"/workers\">Workers</a>.</section>");
        }

        AppendHeldBack(html, view);
        if (flow.Error is not null)
        {
            html.Append($"<section class=\"alert error\" aria-label=\"Flow error\"><strong>{flow.State.ToName()}.</strong><pre>{Html.E(flow.Error)}</pre></section>");
        }

        if (flow.State == FlowState.Completed)
        {
            html.Append($"<section class=\"alert notice\" aria-label=\"Flow result\"><strong>Completed.</strong> The flow's result:<pre>{Html.E(Html.Json(flow.Result))}</pre></section>");
        }

        html.Append(FlowLabelsHtml.Attributes(flow));
        html.Append($"""<section class="card" aria-labelledby="tl-h"><h2 id="tl-h">Timeline</h2>{FlowTimeline.Render(view, reads.Time.GetUtcNow())}</section>""");
        html.Append("<section class=\"card\" aria-labelledby=\"steps-h\"><h2 id=\"steps-h\">Results and errors</h2><div class=\"steps\">");
        foreach (var s in view.Steps)
        {
            var open = s.State is StepState.Failed or StepState.Waiting ? " open" : string.Empty;
            var duration = s.StartedAt is { } from ? Html.Duration((s.FinishedAt ?? reads.Time.GetUtcNow()) - from) : "—";
            html.Append($"""<details class="step" data-step="{Html.E(s.Key)}" data-state="{StepStateName.Of(s)}"{open}><summary><span class="mono">{Html.E(s.Key)}</span> <span class="muted">{Html.E(s.TaskType)}</span> {Html.Badge(StepStateName.Of(s))} <span class="muted">{s.Attempts} attempt(s) · {duration}</span>{Recoveries(s)}{StepProgressHtml.Render(s)}</summary>""");
            if (s.Result is not null)
            {
                html.Append($"<h3>Result</h3><pre aria-label=\"Result of {Html.E(s.Key)}\">{Html.E(Html.Json(s.Result))}</pre>");
            }

            if (s.Error is not null)
            {
                html.Append($"<h3>Error</h3><p class=\"error-text\">{Html.E(s.Error)}</p>");
            }

            if (s.ErrorDetail is not null)
            {
                html.Append($"<h3>Stack trace</h3><pre class=\"stack\">{Html.E(s.ErrorDetail)}</pre>");
            }

            if (s.State == StepState.Waiting)
            {
                html.Append($"<p>Waiting: {Html.E(s.WaitReason ?? "no reason given")}</p>");
            }

            if (s.State == StepState.Pending && s.WaitReason is not null)
            {
                html.Append($"<p>Held back: {Html.E(s.WaitReason)}</p>");
            }

            if (s.Result is null && s.Error is null && s.State != StepState.Waiting && s.WaitReason is null)
            {
                html.Append("<p class=\"muted\">No result yet.</p>");
            }

            html.Append("</details>");
        }

        html.Append("</div></section>");
        var history = await reads.Flows.GetHistoryAsync(flow.Id, 0, HistoryLimit, cancellationToken).ConfigureAwait(false);
        html.Append("<section class=\"card\" aria-labelledby=\"history-h\"><h2 id=\"history-h\">History</h2><table class=\"history\" aria-label=\"History\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">At</th><th scope=\"col\">Event</th><th scope=\"col\">Step</th><th scope=\"col\">Detail</th></tr></thead><tbody>");
        foreach (var e in history)
        {
            var detail = Html.CompactJson(e.Detail);
            if (detail.Length > 200)
            {
                detail = detail[..199] + "…";
            }

            html.Append($"<tr><td>{e.Seq}</td><td>{Html.Time(e.At)}</td><td class=\"mono\">{Html.E(e.Kind)}</td><td class=\"mono\">{Html.E(e.StepKey)}</td><td class=\"mono small\">{Html.E(detail)}</td></tr>");
        }

        html.Append("</tbody></table></section>");
        return html.ToString();
    }
}
