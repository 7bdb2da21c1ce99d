namespace FlowMachine.TestHost;

/// <summary>
/// Appends <c>flowId/stepKey/attempt</c> to the file named by FLOWMACHINE_RECORD for each execution,
/// then sleeps <c>ms</c> so that a kill finds steps in flight.
/// </summary>
[TaskType("record.Step", Description = "Records each execution in a file, then sleeps task_params.ms.")]
public sealed class RecordTask : IFlowTask
{
    private static readonly object Gate = new();

    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var path = Environment.GetEnvironmentVariable("FLOWMACHINE_RECORD") ?? throw new InvalidOperationException("FLOWMACHINE_RECORD is not set.");
        lock (Gate)
        {
            // One write per line, flushed to the OS at once: a SIGKILL cannot lose a line already written.
            File.AppendAllText(path, $"{context.FlowId}/{context.StepKey}/{context.Attempt}\n");
        }

        await Task.Delay(context.Param("ms", 10), cancellationToken);
        return Outcome.Result(context.Attempt);
    }
}
