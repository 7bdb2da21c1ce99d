using System.Text.Json;

namespace FlowMachine.Examples;

/// <summary>
/// Seed task <c>example.VeryLong</c>: sleeps for <c>seconds</c> on the engine's clock, honouring cancellation, and reports
/// its progress (<c>{ done, total }</c> in seconds) after each second.
/// </summary>
[TaskType("example.VeryLong", Description = "Seed sample: waits task_params.seconds (default 8) and returns { very_long: seconds }.")]
[TaskParam("seconds", "How long to run, in seconds (default 8).")]
public sealed class VeryLong : IFlowTask
{
    /// <inheritdoc/>
    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // Strict: the web serializer options would quietly read "8" as 8.
        var node = context.Params["seconds"];
        var seconds = node is null ? 8 : node.GetValueKind() == JsonValueKind.Number ? node.Deserialize<double>() : double.NaN;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return Outcome.Fail($"task_params.seconds of step '{context.StepKey}' must be a number of seconds, 0 or more, got {node?.ToJsonString() ?? "null"}");
        }

        context.Log.Info($"    Perform very long task, seconds: {seconds}");
        var total = TimeSpan.FromSeconds(seconds);
        var done = TimeSpan.Zero;
        while (done < total)
        {
            var step = total - done < TimeSpan.FromSeconds(1) ? total - done : TimeSpan.FromSeconds(1);
            await Task.Delay(step, context.Time, cancellationToken);
            done += step;
            await context.ReportProgressAsync(new { done = Math.Round(done.TotalSeconds, 3), total = seconds }, cancellationToken);
        }

        return Outcome.Result(new Dictionary<string, double> { ["very_long"] = seconds });
    }
}
