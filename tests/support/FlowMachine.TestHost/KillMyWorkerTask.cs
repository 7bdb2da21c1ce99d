using System.Diagnostics;

namespace FlowMachine.TestHost;

/// <summary>
/// A poison step: records the execution as <see cref="RecordTask"/> does, then SIGKILLs its own worker process,
/// unless the file named by <c>task_params.fixed</c> exists (the fix is deployed), when it completes.
/// </summary>
[TaskType("test.KillMyWorker", Description = "Kills its own worker process (SIGKILL) until the file task_params.fixed exists.")]
public sealed class KillMyWorkerTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var path = Environment.GetEnvironmentVariable("FLOWMACHINE_RECORD") ?? throw new InvalidOperationException("FLOWMACHINE_RECORD is not set.");
        File.AppendAllText(path, $"{context.FlowId}/{context.StepKey}/{context.Attempt}\n");
        if (!File.Exists(context.RequiredParam<string>("fixed")))
        {
            using var self = Process.GetCurrentProcess();
            self.Kill(); // SIGKILL: no shutdown, no hand-back; the lease runs out and another worker takes the flow over
        }

        return ValueTask.FromResult<Outcome>(Outcome.Result(context.Attempt));
    }
}
