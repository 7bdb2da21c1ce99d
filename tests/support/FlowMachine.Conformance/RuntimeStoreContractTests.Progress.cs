using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// The runtime contract, continued: a running step's progress, stored apart from commits.
public abstract partial class RuntimeStoreContractTests
{
    [Fact]
    public async Task SaveProgress_stores_a_running_steps_progress_and_commits_keep_it()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1", "w1");
        await store.CommitAsync(StepIn(claimed, StepState.Running), None);

        Assert.True(await store.SaveProgressAsync("f1", "s0", "w1", JsonNode.Parse("""{"done":40,"total":100}""")!, T0.AddSeconds(1), None));
        Assert.True(await store.SaveProgressAsync("f1", "s0", "w1", JsonNode.Parse("""{"done":50,"total":100}""")!, T0.AddSeconds(2), None));

        var steps = await store.GetStepsAsync("f1", None);
        Assert.Equal("""{"done":50,"total":100}""", steps[0].Progress!.ToJsonString());
        Assert.Equal(T0.AddSeconds(2), steps[0].ProgressAt);
        Assert.Null(steps[1].Progress);
        Assert.Null(steps[1].ProgressAt);

        // A commit of the step leaves its progress as it was: the last report stays readable.
        await store.CommitAsync(StepIn(claimed, StepState.Completed), None);
        var done = (await store.GetStepsAsync("f1", None))[0];
        Assert.Equal(StepState.Completed, done.State);
        Assert.Equal("""{"done":50,"total":100}""", done.Progress!.ToJsonString());
        Assert.Equal(T0.AddSeconds(2), done.ProgressAt);
    }

    [Fact]
    public async Task SaveProgress_writes_nothing_without_the_lease_or_a_running_step()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1", "w1");
        var progress = JsonNode.Parse("""{"done":1}""")!;

        Assert.False(await store.SaveProgressAsync("f1", "s0", "w1", progress, T0, None)); // PENDING, not running
        await store.CommitAsync(StepIn(claimed, StepState.Running), None);
        Assert.False(await store.SaveProgressAsync("f1", "s0", "w2", progress, T0, None)); // another owner
        Assert.False(await store.SaveProgressAsync("f1", "nope", "w1", progress, T0, None)); // no such step
        Assert.False(await store.SaveProgressAsync("nope", "s0", "w1", progress, T0, None)); // no such flow

        Assert.All(await store.GetStepsAsync("f1", None), s =>
        {
            Assert.Null(s.Progress);
            Assert.Null(s.ProgressAt);
        });
    }

    [Fact]
    public async Task SaveProgress_keeps_a_copy_of_the_node()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1", "w1");
        await store.CommitAsync(StepIn(claimed, StepState.Running), None);
        var progress = new JsonObject { ["done"] = 1 };

        Assert.True(await store.SaveProgressAsync("f1", "s0", "w1", progress, T0, None));
        progress["done"] = 2;
        var read = (await store.GetStepsAsync("f1", None))[0];
        read.Progress!["done"] = 3;

        Assert.Equal("""{"done":1}""", (await store.GetStepsAsync("f1", None))[0].Progress!.ToJsonString());
    }

    private static FlowTransition StepIn(ClaimedFlow claimed, StepState state)
    {
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        var step = claimed.Steps[0].Clone();
        step.State = state;
        step.Attempts = 1;
        return new FlowTransition { LeaseOwner = claimed.Flow.LeaseOwner!, Flow = row, StateChanged = state == StepState.Running, Steps = [step] };
    }
}
