using FlowMachine.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Hosting.Tests;

/// <summary>The queues of a host: from the options to the engine, and checked.</summary>
public sealed class QueueOptionsTests
{
    [Fact]
    public async Task The_hosts_queues_and_task_queues_reach_the_engine_and_default_is_served_when_none_is_given()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine(o =>
        {
            o.Queues.Add("gpu");
            o.Queues.Add("default");
            o.TaskQueues["noop"] = "gpu";
        });
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<FlowEngine>();
        Assert.Equal(["gpu", "default"], engine.Options.Queues);
        Assert.Equal("gpu", engine.Options.TaskQueues["noop"]);
        Assert.Contains("gpu/noop", engine.Routes.Array);
        Assert.Contains("/noop", engine.Routes.Array);

        var plain = new ServiceCollection().AddLogging();
        plain.AddFlowMachine();
        await using var plainProvider = plain.BuildServiceProvider();
        Assert.Equal(["default"], plainProvider.GetRequiredService<FlowEngine>().Options.Queues);
    }

    [Fact]
    public void A_queue_name_that_is_not_valid_is_a_problem()
    {
        var options = new FlowMachineOptions();
        options.Queues.Add("GPU");
        options.TaskQueues["noop"] = "night shift";
        var problems = options.Problems();
        Assert.Contains(problems, p => p.Contains("'GPU' is not a valid queue name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'night shift' is not a valid queue name", StringComparison.Ordinal));
        Assert.Empty(new FlowMachineOptions().Problems());
    }
}
