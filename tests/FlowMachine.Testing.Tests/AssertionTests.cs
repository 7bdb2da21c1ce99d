using FlowMachine.Specs;
using FlowMachine.Testing.Tests.Tasks;

namespace FlowMachine.Testing.Tests;

/// <summary>Failed assertions explain the flow; refused commands and bad specs say why.</summary>
public sealed class AssertionTests
{
    [Fact]
    public async Task A_failed_assertion_describes_the_state_the_path_and_the_wait()
    {
        await using var host = new FlowTestHost().AddTask<ApproveOrder>();
        var flow = await host.RunAsync("tasks: [{ key: approve, task_type: shop.Approve, task_params: { amount: 500 } }, noop]");

        var error = Assert.Throws<FlowAssertionException>(() => flow.ShouldBeCompleted());

        Assert.Contains("expected the flow to be COMPLETED", error.Message, StringComparison.Ordinal);
        Assert.Contains("is WAITING (waiting: manual review)", error.Message, StringComparison.Ordinal);
        Assert.Contains("path: [approve]", error.Message, StringComparison.Ordinal);
        Assert.Contains("- noop (noop) PENDING", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Path_and_result_mismatches_throw()
    {
        await using var host = new FlowTestHost();
        var flow = await host.RunAsync("tasks: [{ key: a, task_type: print, task_params: { msg: hi } }]");

        Assert.Throws<FlowAssertionException>(() => flow.ShouldHavePath("a", "b"));
        Assert.Throws<FlowAssertionException>(() => flow.ShouldHaveStepResult("a", "bye"));
        Assert.Throws<FlowAssertionException>(() => flow.ShouldHaveResult(3));
        Assert.Throws<FlowAssertionException>(() => flow.ShouldBeWaiting());
        Assert.Throws<FlowAssertionException>(() => flow.Step("missing"));
        flow.ShouldBeCompleted().ShouldHavePath("a").ShouldHaveResult("hi");
    }

    [Fact]
    public async Task A_push_to_a_flow_that_does_not_wait_is_refused_with_the_reason()
    {
        await using var host = new FlowTestHost();
        var flow = await host.RunAsync("tasks: [noop]");

        var error = await Assert.ThrowsAsync<FlowAssertionException>(() => host.PushAsync(flow.Id, 1));

        Assert.Contains("no step waits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_spec_is_refused_before_anything_runs()
    {
        await using var host = new FlowTestHost();

        var error = await Assert.ThrowsAsync<SpecException>(() => host.RunAsync("tasks: [shop.Unknown]"));

        Assert.Contains("shop.Unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_built_ins_only_registered_tasks_exist()
    {
        await using var host = new FlowTestHost(new FlowTestHostOptions { BuiltIns = false }).AddTasks(typeof(ApproveOrder).Assembly);

        await Assert.ThrowsAsync<SpecException>(() => host.RunAsync("tasks: [noop]"));
        var flow = await host.RunAsync("tasks: [{ key: a, task_type: shop.Approve, task_params: { amount: 1 } }]");
        flow.ShouldBeCompleted();
    }
}
