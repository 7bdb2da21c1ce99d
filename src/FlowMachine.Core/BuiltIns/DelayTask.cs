using System.Globalization;

namespace FlowMachine.BuiltIns;

/// <summary>A durable timer: the step waits until a time and then completes by itself.</summary>
[TaskType("delay", Description = "Waits for a number of seconds or until a time (a durable timer).")]
[TaskParam("seconds", "How long to wait, in seconds (0 or more). Give this or until.")]
[TaskParam("until", "An ISO-8601 time to wait until. Give this or seconds.")]
internal sealed class DelayTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            var until = ResolveUntil(context, required: true)!.Value;
            return ValueTask.FromResult<Outcome>(
                Outcome.Wait($"delay until {until.ToString("O", CultureInfo.InvariantCulture)}", until: until));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }

    /// <summary>Reads <c>seconds</c> or <c>until</c> (not both) into an absolute time; shared with <c>wait</c>.</summary>
    internal static DateTimeOffset? ResolveUntil(TaskContext context, bool required)
    {
        var seconds = ParamReader.Number(context, "seconds");
        var until = ParamReader.Time(context, "until");
        if (seconds is not null && until is not null)
        {
            throw ParamReader.Invalid(context, "give task_params.seconds or task_params.until, not both");
        }

        if (seconds is null && until is null)
        {
            return required
                ? throw ParamReader.Invalid(context, "task_params.seconds (a number) or task_params.until (an ISO-8601 time) is required")
                : null;
        }

        if (seconds < 0)
        {
            throw ParamReader.Bad(context, "seconds", "0 or more", context.Params["seconds"]);
        }

        return until ?? context.Time.GetUtcNow().AddSeconds(seconds!.Value);
    }
}
