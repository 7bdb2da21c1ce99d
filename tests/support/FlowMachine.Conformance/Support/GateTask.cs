using System.Collections.Concurrent;

namespace FlowMachine.Tests.Support;

/// <summary>Runs until the test opens its flow's gate: a step held in flight for as long as a test needs.</summary>
[TaskType("t.gate", Description = "Waits until the test opens the gate of its flow.")]
public sealed class GateTask : IFlowTask
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Cancelled = new();

    /// <summary>Completes once a step of the flow is in the task.</summary>
    public static Task EnteredAsync(string flowId) => Entered.GetOrAdd(flowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes once the token of a step of the flow was cancelled while it waited at the gate.</summary>
    public static Task CancelledAsync(string flowId) => Cancelled.GetOrAdd(flowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Lets the flow's step finish.</summary>
    public static void Open(string flowId) => Gates.GetOrAdd(flowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Executions.Record(context);
        Entered.GetOrAdd(context.FlowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        try
        {
            await Gates.GetOrAdd(context.FlowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancelled.GetOrAdd(context.FlowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            throw;
        }

        return Outcome.Result("opened");
    }
}
