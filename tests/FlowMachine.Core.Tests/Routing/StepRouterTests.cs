using FlowMachine.Registry;
using FlowMachine.Routing;
using FlowMachine.Specs;

namespace FlowMachine.Tests.Routing;

public sealed class StepRouterTests
{
    [TaskType("r.gpu", Queue = "gpu")]
    [TaskType("r.plain")]
    private sealed class QueuedTask : IFlowTask
    {
        public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) => ValueTask.FromResult<Outcome>(Outcome.Result(null));
    }

    private static StepSpec Step(string type, string? queue = null) => new() { Key = "s", TaskType = type, Queue = queue };

    [Fact]
    public void A_step_runs_on_its_own_queue_else_its_types_default_else_default()
    {
        var registry = new TaskRegistry().Register<QueuedTask>();
        Assert.Equal("gpu", registry.All.Single(t => t.Name == "r.gpu").Queue);
        var router = new StepRouter(registry, ["default"], new Dictionary<string, string>());

        Assert.True(router.CanRun(Step("r.plain")));
        Assert.False(router.CanRun(Step("r.gpu")));
        Assert.True(router.CanRun(Step("r.gpu", queue: "default")));
        Assert.False(router.CanRun(Step("r.plain", queue: "night")));
        Assert.False(router.CanRun(Step("r.unknown")));
        Assert.Equal("gpu/r.gpu", router.RouteOf(Step("r.gpu")));
        Assert.Equal("night/r.plain", router.RouteOf(Step("r.plain", queue: "night")));
        Assert.Equal("/r.unknown", router.RouteOf(Step("r.unknown")));
        Assert.Equal(["/r.plain", "default/r.gpu", "default/r.plain"], router.Routes.Array);
    }

    [Fact]
    public void Options_override_a_types_default_queue_and_the_routes_follow()
    {
        var registry = new TaskRegistry().Register<QueuedTask>();
        var router = new StepRouter(registry, ["gpu", "night"], new Dictionary<string, string> { ["r.plain"] = "night" });

        Assert.True(router.CanRun(Step("r.gpu")));
        Assert.True(router.CanRun(Step("r.plain")));
        Assert.False(router.CanRun(Step("r.plain", queue: "default")));
        Assert.Equal(["/r.gpu", "/r.plain", "gpu/r.gpu", "gpu/r.plain", "night/r.gpu", "night/r.plain"], router.Routes.Array);
        Assert.Equal("""["/r.gpu","/r.plain","gpu/r.gpu","gpu/r.plain","night/r.gpu","night/r.plain"]""", router.Routes.Json);
        Assert.Equal(("night", "r.plain"), RouteSet.Parse("night/r.plain"));
        Assert.Equal((null, "r.plain"), RouteSet.Parse("/r.plain"));
    }

    [Fact]
    public void A_task_type_with_an_invalid_queue_is_refused_at_registration()
    {
        var error = Assert.Throws<ArgumentException>(() => new TaskRegistry().Register(new TaskTypeInfo { Name = "x", Queue = "Bad Queue", Factory = _ => null! }));
        Assert.Contains("not a valid queue name", error.Message);
    }
}
