using FlowMachine.Storage;

namespace FlowMachine.Testing.Tests;

/// <summary>Retrying a failed flow in a test, once what failed is fixed.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_failed_flow_retried_after_the_fix_completes_and_the_completed_step_does_not_run_again()
    {
        var down = true;
        var quotes = 0;
        await using var host = new FlowTestHost()
            .AddTask("fake.Quote", _ => Outcome.Result(++quotes))
            .AddTask("fake.Ship", _ => down ? throw new InvalidOperationException("carrier down") : Outcome.Result("shipped"));
        var flow = await host.RunAsync("tasks: [{ key: quote, task_type: fake.Quote }, { key: ship, task_type: fake.Ship }]");
        flow.ShouldBeFailed();

        down = false;
        flow = await host.RetryAsync(flow.Id);

        flow.ShouldBeCompleted().ShouldHaveStepResult("ship", "shipped").ShouldHaveStepResult("quote", 1);
        Assert.Equal(1, quotes);
        Assert.Equal(2, flow.Step("ship").Attempts);
    }

    [Fact]
    public async Task Retrying_a_completed_flow_is_refused()
    {
        await using var host = new FlowTestHost();
        var flow = await host.RunAsync("tasks: [noop]");

        var refused = await Assert.ThrowsAsync<FlowAssertionException>(() => host.RetryAsync(flow.Id));

        Assert.Contains("COMPLETED", refused.Message, StringComparison.Ordinal);
        Assert.Equal(FlowState.Completed, (await host.GetAsync(flow.Id)).State);
    }
}
