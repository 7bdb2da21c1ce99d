using System.Text.Json;

namespace FlowMachine.Examples;

/// <summary>Seed task <c>example.VeryLong</c>: sleeps for <c>seconds</c> on the engine's clock, honouring cancellation.</summary>
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
        await Task.Delay(TimeSpan.FromSeconds(seconds), context.Time, cancellationToken);
        return Outcome.Result(new Dictionary<string, double> { ["very_long"] = seconds });
    }
}
