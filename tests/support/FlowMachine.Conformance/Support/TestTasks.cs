using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace FlowMachine.Tests.Support;

/// <summary>Counts executions per flow and step so tests can prove what ran and how often.</summary>
public static class Executions
{
    private static readonly ConcurrentDictionary<string, int> Counts = new();

    public static void Record(TaskContext context) => Counts.AddOrUpdate($"{context.FlowId}/{context.StepKey}", 1, (_, n) => n + 1);

    public static int Of(string flowId, string stepKey) => Counts.TryGetValue($"{flowId}/{stepKey}", out var n) ? n : 0;
}

[TaskType("t.count", Description = "Records each execution; returns the attempt and the input it saw.")]
public sealed class CountTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Executions.Record(context);
        return ValueTask.FromResult<Outcome>(Outcome.Result(new JsonObject
        {
            ["attempt"] = context.Attempt,
            ["key"] = context.IdempotencyKey,
            ["params"] = context.Params.DeepClone(),
        }));
    }
}

[TaskType("t.flaky", Description = "Throws until the attempt reaches task_params.succeed_on.")]
public sealed class FlakyTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Executions.Record(context);
        var succeedOn = context.Param("succeed_on", int.MaxValue);
        if (context.Attempt < succeedOn)
        {
            throw new InvalidOperationException($"boom on attempt {context.Attempt}");
        }

        return ValueTask.FromResult<Outcome>(Outcome.Result(context.Attempt));
    }
}

[TaskType("t.slow", Description = "Waits until cancelled (or task_params.ms elapse) and records a cancellation.")]
public sealed class SlowTask : IFlowTask
{
    public static ConcurrentBag<string> Cancelled { get; } = [];

    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Executions.Record(context);
        try
        {
            await Task.Delay(context.Param("ms", Timeout.Infinite), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled.Add($"{context.FlowId}/{context.StepKey}");
            throw;
        }

        return Outcome.Result("slept");
    }
}

[TaskType("t.spawn", Description = "Spawns what its params name: task (+args), routine (+input) or spec.")]
public sealed class SpawnTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Executions.Record(context);
        Outcome outcome = context.Param<string>("task") is { } task
            ? Outcome.SpawnTask(task, context.Params["args"]?.DeepClone())
            : Outcome.SpawnRoutine(context.RequiredParam<string>("routine"), context.Params["input"]?.DeepClone());
        return ValueTask.FromResult(outcome);
    }
}
