using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Routing;

public sealed class WorkersDocumentTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static WorkerRecord Worker(string id, TimeSpan silentFor, string[] queues, params string[] types) => new()
    {
        Id = id,
        Host = "h",
        Queues = queues,
        TaskTypes = types.ToDictionary(t => t, t => t == "gpu.Train" ? "gpu" : "default"),
        StartedAt = Now.AddHours(-1),
        HeartbeatAt = Now - silentFor,
    };

    [Fact]
    public void Queues_show_their_depth_and_flag_what_no_live_worker_serves()
    {
        WorkerRecord[] workers =
        [
            Worker("cpu", TimeSpan.FromSeconds(5), ["default"], "noop"),
            Worker("dead-gpu", TimeSpan.FromMinutes(5), ["gpu"], "gpu.Train"),
        ];
        RouteDepth[] depths =
        [
            new(null, 3, Now.AddSeconds(-1)),
            new("/gpu.Train", 2, Now.AddSeconds(-40)),
            new("night/noop", 1, Now.AddSeconds(-10)),
            new("default/other.Type", 4, Now.AddSeconds(-5)),
        ];

        var document = WorkersDocument.Of(workers, depths, Now);
        Assert.Equal([true, false], document.Workers.Select(w => w.Live));
        Assert.Equal(3, document.Unrouted);
        Assert.Equal(["default", "gpu", "night"], document.Queues.Select(q => q.Name));
        var gpu = document.Queues.Single(q => q.Name == "gpu");
        Assert.Equal((2, 40.0, 0, true), (gpu.Depth, gpu.OldestAgeSeconds, gpu.LiveWorkers, gpu.Waiting));
        var standard = document.Queues.Single(q => q.Name == "default");
        Assert.Equal((4, 1, true), (standard.Depth, standard.LiveWorkers, standard.Waiting));
        Assert.Equal(["other.Type"], standard.MissingTaskTypes);
        Assert.Equal(["gpu", "night"], document.UnservedQueues);
        Assert.Equal(["gpu.Train", "other.Type"], document.UnservedTaskTypes);
    }

    [Fact]
    public void A_served_queue_with_nothing_due_is_listed_and_not_waiting()
    {
        var document = WorkersDocument.Of([Worker("cpu", TimeSpan.Zero, ["default", "batch"], "noop")], [], Now);
        Assert.Equal(["batch", "default"], document.Queues.Select(q => q.Name));
        Assert.All(document.Queues, q => Assert.False(q.Waiting));
        Assert.Empty(document.UnservedQueues);
        Assert.Equal("a worker of queue gpu with task type t", WorkerWait.Of("gpu/t")!.ToString());
        Assert.Null(WorkerWait.Of(null));
    }
}
