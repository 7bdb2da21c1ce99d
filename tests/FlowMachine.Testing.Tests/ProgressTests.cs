using FlowMachine.Storage;

namespace FlowMachine.Testing.Tests;

/// <summary>A task's progress in a test: the flow's step keeps the last report, however quickly they came.</summary>
public sealed class ProgressTests
{
    [Fact]
    public async Task The_step_keeps_the_last_progress_its_task_reported()
    {
        await using var host = new FlowTestHost().AddTask("fake.Copy", new Func<IFlowTask>(() => new Copy()));

        var flow = await host.RunAsync("tasks: [{ key: copy, task_type: fake.Copy }, { key: after, task_type: noop }]");

        flow.ShouldBeCompleted();
        Assert.Equal("""{"done":3,"total":3}""", flow.Step("copy").Progress!.ToJsonString());
        Assert.NotNull(flow.Step("copy").ProgressAt);
        Assert.Null(flow.Step("after").Progress);
    }

    private sealed class Copy : IFlowTask
    {
        public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
        {
            // Three reports within the same second: one is stored at once, the last before the step ends.
            for (var done = 1; done <= 3; done++)
            {
                await context.ReportProgressAsync(new { done, total = 3 }, cancellationToken);
            }

            return Outcome.Result("copied");
        }
    }
}
