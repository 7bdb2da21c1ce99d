using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Pauses the flow for outside input: a push, an event, a timer, or a resubmit whose args carry <c>ok: true</c>.
/// </summary>
[TaskType("wait", Description = "Waits for a push, a named event, a time, or a resubmit with { ok: true }.")]
[TaskParam("reason", "Why the flow waits, shown to people. Default: \"Waiting for input\".")]
[TaskParam("event", "The name of an event that resumes the step with the event's value.")]
[TaskParam("until", "An ISO-8601 time at which the step resumes by itself.")]
[TaskParam("seconds", "Resume by itself after this many seconds (instead of until).")]
internal sealed class WaitTask : ICheckableTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            var reason = ParamReader.String(context, "reason") ?? "Waiting for input";
            var eventName = ParamReader.String(context, "event");
            if (eventName is { Length: 0 })
            {
                throw ParamReader.Bad(context, "event", "a non-empty event name", context.Params["event"]);
            }

            var until = DelayTask.ResolveUntil(context, required: false);
            return ValueTask.FromResult<Outcome>(Outcome.Wait(reason, eventName, until));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }

    public ValueTask<CheckResult> CheckAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // The resubmitter says the wait is over with { ok: true }; its args become the step's result.
        var ok = context.Args is JsonObject args
            && args["ok"] is { } flag
            && flag.GetValueKind() == JsonValueKind.True;
        return ValueTask.FromResult(ok
            ? CheckResult.Ready(context.Args)
            : CheckResult.NotReady("resubmit with { \"ok\": true } to continue"));
    }
}
