namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// What the create form on the hooks page holds: kept after a refusal so nothing typed is lost, with the field the
/// server named (as the API's problem details name it: <c>name</c>, <c>start.routine</c>, <c>event.key</c> …) and why.
/// </summary>
internal sealed record HookFormValues(
    string? Name = null, string Action = "start", string? Routine = null, string? Input = null, string? StartKey = null,
    string? EventName = null, string? EventKey = null, string? EventValue = null, string? Field = null, string? Problem = null);
