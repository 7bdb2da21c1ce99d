using FlowMachine.Storage;

namespace FlowMachine.Routing;

/// <summary>What the registry says about the pools: which workers are live, and which queue a task type's steps go to.</summary>
internal static class WorkerPools
{
    /// <summary>The workers whose heartbeat is recent at <paramref name="now"/>.</summary>
    public static List<WorkerRecord> Live(IEnumerable<WorkerRecord> workers, DateTimeOffset now) =>
        [.. workers.Where(w => now - w.HeartbeatAt < FlowMachineDefaults.Worker.LiveFor)];

    /// <summary>
    /// The queue of a step on <paramref name="queue"/> (null: its task type's default, as the workers that have the type
    /// know it, else <c>default</c>).
    /// </summary>
    public static string QueueOf(string? queue, string taskType, IEnumerable<WorkerRecord> workers) =>
        queue ?? workers.Select(w => w.TaskTypes.GetValueOrDefault(taskType)).FirstOrDefault(q => q is not null) ?? QueueNames.Default;

    /// <summary>How many of <paramref name="live"/> serve <paramref name="queue"/> and have <paramref name="taskType"/>.</summary>
    public static int Serving(IEnumerable<WorkerRecord> live, string queue, string taskType) =>
        live.Count(w => w.Queues.Contains(queue) && w.TaskTypes.ContainsKey(taskType));
}
