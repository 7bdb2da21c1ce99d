using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Pauses the flow for outside input: a push, an event, a timer, or a resubmit whose args carry <c>ok: true</c>.
/// </summary>
[TaskType("wait", Description = "Waits for a push, a named event, a time, or a resubmit with { ok: true }.")]
[TaskParam("reason", "Why the flow waits, shown to people. Default: \"Waiting for input\".")]
[TaskParam("event", "The name of an event that resumes the step with the event's value.")]
[TaskParam("key", "With event: the correlation key the event must be raised with (POST /api/v1/events/NAME), such as $input.order; a string or a number.")]
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
            if (ParamReader.Given(context, "key"))
            {
                var key = Key(context);
                return ValueTask.FromResult<Outcome>(eventName is null
                    ? throw ParamReader.Bad(context, "key", "given only with event", context.Params["key"])
                    : Outcome.Wait(@event: eventName, key: key) is var wait && ParamReader.String(context, "reason") is { } given
                        ? wait with { Reason = given, Until = until }
                        : wait with { Until = until });
            }

            return ValueTask.FromResult<Outcome>(Outcome.Wait(reason, eventName, until));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }

    /// <summary>The correlation key: a non-empty string, or a number written as JSON writes it.</summary>
    private static string Key(TaskContext context)
    {
        var node = context.Params["key"]!;
        var text = node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.Number => node.ToJsonString(),
            _ => null,
        };
        return text is { Length: > 0 } ? text : throw ParamReader.Bad(context, "key", "a non-empty string or a number", node);
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
