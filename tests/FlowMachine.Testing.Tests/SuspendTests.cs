using FlowMachine.Testing.Tests.Tasks;

namespace FlowMachine.Testing.Tests;

/// <summary>Suspending and resuming a flow in the test host.</summary>
public sealed class SuspendTests
{
    [Fact]
    public async Task A_suspended_flow_keeps_a_push_until_it_is_resumed()
    {
        await using var host = new FlowTestHost().AddTask<ApproveOrder>();
        var flow = await host.RunAsync(TaskAuthorTests.Checkout, new { amount = 250 });

        flow = await host.SuspendAsync(flow.Id);
        Assert.True(flow.Flow.Suspended);
        flow = await host.PushAsync(flow.Id, "approved by ann");
        flow.ShouldBeWaiting("manual review");
        Assert.Equal(0, await host.RunDueAsync());

        flow = await host.ResumeAsync(flow.Id);

        flow.ShouldBeCompleted().ShouldHaveResult("approved by ann");
        Assert.False(flow.Flow.Suspended);
    }

    [Fact]
    public async Task Suspending_an_unknown_or_ended_flow_fails_the_test_naming_why()
    {
        await using var host = new FlowTestHost().AddTask<ApproveOrder>();
        var done = await host.RunAsync(TaskAuthorTests.Checkout, new { amount = 20 });

        var unknown = await Assert.ThrowsAsync<FlowAssertionException>(() => host.SuspendAsync("nope"));
        Assert.Contains("does not exist", unknown.Message, StringComparison.Ordinal);
        var ended = await Assert.ThrowsAsync<FlowAssertionException>(() => host.ResumeAsync(done.Id));
        Assert.Contains("has ended COMPLETED", ended.Message, StringComparison.Ordinal);
    }
}
