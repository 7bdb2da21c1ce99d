using System.Text;
using FlowMachine.Hooks;
using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// The hooks page's create form: a name and one action, start (routine, input mapping, key) or event (name, key and
/// value paths). After a refusal it keeps what was typed and shows the server's problem beside the field it names.
/// Without a script both actions' fields are shown; the stylesheet hides the one the radio did not choose.
/// </summary>
internal static class HookCreateForm
{
    public static string Render(DashboardRequest request, HookFormValues values, IReadOnlyList<RoutineRecord> routines)
    {
        var isEvent = values.Action == "event";
        var options = new StringBuilder();
        foreach (var routine in routines)
        {
            options.Append($"<option value=\"{Html.E(routine.Name)}\"></option>");
        }

        return $"""
            <section class="card" aria-labelledby="create-h"><h2 id="create-h">Create a hook</h2>
            <form method="post" action="/hooks" aria-label="Create a hook" class="stack-form hook-form">{request.CsrfInput}
            {Problem(values, "hook-form")}
            <label for="hook-name">Hook name</label>
            <input id="hook-name" name="name" required maxlength="{HookVerbs.MaxNameLength}" value="{Html.E(values.Name)}" placeholder="payments"{Invalid(values, "hook-name")}>
            {Problem(values, "hook-name")}
            <fieldset id="hook-action" class="hook-choice"{Invalid(values, "hook-action")}><legend>Action</legend>
            <label class="choice"><input type="radio" id="hook-action-start" name="action" value="start"{(isEvent ? "" : " checked")}> Start a routine</label>
            <label class="choice"><input type="radio" id="hook-action-event" name="action" value="event"{(isEvent ? " checked" : "")}> Raise an event by key</label>
            </fieldset>
            {Problem(values, "hook-action")}
            <fieldset class="hook-start"><legend>Start a routine</legend>
            <label for="hook-routine">Routine</label>
            <input id="hook-routine" name="routine" list="hook-routines" maxlength="{InputLimits.MaxRoutineNameLength}" value="{Html.E(values.Routine)}" placeholder="orders"{Invalid(values, "hook-routine")}>
            <datalist id="hook-routines">{options}</datalist>
            {Problem(values, "hook-routine")}
            <label for="hook-input">Input mapping (one field=path a line)</label>
            <textarea id="hook-input" name="input" rows="3" spellcheck="false" class="code" placeholder="order=$body.order.id"{Invalid(values, "hook-input")}>{Html.E(values.Input)}</textarea>
            {Problem(values, "hook-input")}
            <label for="hook-start-key">Flow key (path, optional)</label>
            <input id="hook-start-key" name="start_key" value="{Html.E(values.StartKey)}" placeholder="$body.order.id or $delivery"{Invalid(values, "hook-start-key")}>
            {Problem(values, "hook-start-key")}
            <p class="note">A delivery whose key is already a flow's returns that flow and starts none, so a redelivery never starts a second flow.</p>
            </fieldset>
            <fieldset class="hook-event"><legend>Raise an event by key</legend>
            <label for="hook-event-name">Event name</label>
            <input id="hook-event-name" name="event_name" maxlength="{InputLimits.MaxEventNameLength}" value="{Html.E(values.EventName)}" placeholder="payment.settled"{Invalid(values, "hook-event-name")}>
            {Problem(values, "hook-event-name")}
            <label for="hook-event-key">Correlation key (path)</label>
            <input id="hook-event-key" name="event_key" value="{Html.E(values.EventKey)}" placeholder="$body.order.id"{Invalid(values, "hook-event-key")}>
            {Problem(values, "hook-event-key")}
            <label for="hook-event-value">Value (path, optional)</label>
            <input id="hook-event-value" name="event_value" value="{Html.E(values.EventValue)}" placeholder="$body"{Invalid(values, "hook-event-value")}>
            {Problem(values, "hook-event-value")}
            </fieldset>
            <p class="note">Paths: {Html.E(HookPaths.Rule)}.</p>
            <button type="submit">Create hook</button>
            </form></section>
            """;
    }

    /// <summary>The form element that shows a problem with <paramref name="field"/>, a field as the API's problem details name it.</summary>
    private static string ElementOf(string? field) => field switch
    {
        "name" => "hook-name",
        "start" or "event" => "hook-action",
        "start.routine" => "hook-routine",
        "start.key" => "hook-start-key",
        "event.name" => "hook-event-name",
        "event.key" => "hook-event-key",
        "event.value" => "hook-event-value",
        { } f when f == "start.input" || f.StartsWith("start.input.", StringComparison.Ordinal) => "hook-input",
        _ => "hook-form",
    };

    private static bool At(HookFormValues values, string element) => values.Problem is not null && ElementOf(values.Field) == element;

    private static string Invalid(HookFormValues values, string element) =>
        At(values, element) ? $" aria-invalid=\"true\" aria-describedby=\"{element}-error\"" : string.Empty;

    private static string Problem(HookFormValues values, string element) =>
        At(values, element)
            ? $"<p class=\"field-error\" id=\"{element}-error\" role=\"alert\">{(values.Field is null ? "" : $"<span class=\"mono\">{Html.E(values.Field)}</span>: ")}{Html.E(values.Problem)}</p>"
            : string.Empty;
}
