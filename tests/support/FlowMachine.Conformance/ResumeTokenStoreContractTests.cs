using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>The resume-token contract (<see cref="IResumeTokenStore"/>): finding a token's step and taking a token once.</summary>
public abstract class ResumeTokenStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    [Fact]
    public async Task A_resume_token_finds_its_waiting_step()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        Assert.Null(await store.FindResumeTokenAsync("tok", None));

        var claimed = await ClaimOneAsync(store, "f1");
        var step = claimed.Steps[1].Clone();
        step.State = StepState.Waiting;
        step.ResumeToken = "tok";
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Steps = [step] }, None);

        var found = await store.FindResumeTokenAsync("tok", None);
        Assert.Equal(("f1", "s1"), found);
        Assert.Null(await store.FindResumeTokenAsync("other", None));

        // Once the step is no longer waiting the token is spent.
        step.State = StepState.Completed;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Steps = [step] }, None);
        Assert.Null(await store.FindResumeTokenAsync("tok", None));
    }

    /// <summary>A flow whose step s1 waits with <paramref name="token"/>, started at <paramref name="started"/>.</summary>
    private static async Task<(ClaimedFlow Claimed, StepRecord Step)> WaitWithTokenAsync(IFlowStore store, string id, string token, DateTimeOffset started)
    {
        await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, id);
        var step = claimed.Steps[1].Clone();
        step.State = StepState.Waiting;
        step.StartedAt = started;
        step.ResumeToken = token;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Steps = [step], Release = true }, None);
        return (claimed, step);
    }

    [Fact]
    public async Task Consuming_a_resume_token_takes_it_once()
    {
        var store = await NewStoreAsync();
        await WaitWithTokenAsync(store, "f1", "tok", T0);
        Assert.Equal(ResumeTokenUse.NotFound, await store.ConsumeResumeTokenAsync("other", T0, TimeSpan.FromDays(1), None));

        var use = await store.ConsumeResumeTokenAsync("tok", T0.AddHours(1), TimeSpan.FromDays(1), None);
        Assert.Equal(new ResumeTokenUse(ResumeTokenStatus.Consumed, "f1", "s1"), use);

        // Spent: not found again, the step no longer shows it, and it still waits for the push.
        Assert.Equal(ResumeTokenStatus.NotFound, (await store.ConsumeResumeTokenAsync("tok", T0.AddHours(1), TimeSpan.FromDays(1), None)).Status);
        Assert.Null(await store.FindResumeTokenAsync("tok", None));
        var step = (await store.GetStepsAsync("f1", None))[1];
        Assert.Null(step.ResumeToken);
        Assert.Equal(StepState.Waiting, step.State);
    }

    [Fact]
    public async Task A_consumed_token_stays_spent_when_a_stale_commit_writes_it_back()
    {
        var store = await NewStoreAsync();
        var (_, step) = await WaitWithTokenAsync(store, "f1", "tok", T0);
        Assert.Equal(ResumeTokenStatus.Consumed, (await store.ConsumeResumeTokenAsync("tok", T0, TimeSpan.FromDays(1), None)).Status);

        // A worker that read the step before the take commits it again, token and all.
        await store.EnqueueCommandAsync("f1", FlowCommand.Submit, "s1", null, null, T0, None);
        var claimed = await ClaimOneAsync(store, "f1", "w2", T0.AddSeconds(1));
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = claimed.Flow, Steps = [step.Clone()], Release = true }, None);

        Assert.Equal(ResumeTokenStatus.NotFound, (await store.ConsumeResumeTokenAsync("tok", T0, TimeSpan.FromDays(1), None)).Status);
        Assert.Null(await store.FindResumeTokenAsync("tok", None));
    }

    [Fact]
    public async Task An_expired_resume_token_is_refused_and_not_taken()
    {
        var store = await NewStoreAsync();
        await WaitWithTokenAsync(store, "f1", "tok", T0);
        var lifetime = TimeSpan.FromHours(1);

        Assert.Equal(new ResumeTokenUse(ResumeTokenStatus.Expired, "f1", "s1"), await store.ConsumeResumeTokenAsync("tok", T0 + lifetime, lifetime, None));
        Assert.Equal(ResumeTokenStatus.Expired, (await store.ConsumeResumeTokenAsync("tok", T0.AddDays(30), lifetime, None)).Status);
        Assert.Equal(("f1", "s1"), await store.FindResumeTokenAsync("tok", None));

        // Just inside the lifetime it is still good.
        Assert.Equal(ResumeTokenStatus.Consumed, (await store.ConsumeResumeTokenAsync("tok", T0 + lifetime - TimeSpan.FromMilliseconds(1), lifetime, None)).Status);
    }

    [Fact]
    public async Task A_token_of_a_step_that_no_longer_waits_is_not_found()
    {
        var store = await NewStoreAsync();
        var (_, step) = await WaitWithTokenAsync(store, "f1", "tok", T0);
        await store.EnqueueCommandAsync("f1", FlowCommand.Push, "s1", null, null, T0, None);
        var again = await ClaimOneAsync(store, "f1", "w1", T0.AddSeconds(1));
        var done = step.Clone();
        done.State = StepState.Completed;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = again.Flow, Steps = [done], Release = true }, None);

        Assert.Equal(ResumeTokenStatus.NotFound, (await store.ConsumeResumeTokenAsync("tok", T0, TimeSpan.FromDays(1), None)).Status);
    }

    [Fact]
    public async Task Eight_concurrent_consumers_of_one_token_make_one_winner()
    {
        var store = await NewStoreAsync();
        for (var round = 0; round < 5; round++)
        {
            var token = $"tok{round}";
            await WaitWithTokenAsync(store, $"f{round}", token, T0);
            // All eight are released at once (a gate, not a barrier: no pool threads blocked).
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                await gate.Task;
                return await store.ConsumeResumeTokenAsync(token, T0, TimeSpan.FromDays(1), None);
            })).ToList();
            gate.SetResult();
            var uses = await Task.WhenAll(racers);

            Assert.Single(uses, u => u.Status == ResumeTokenStatus.Consumed);
            Assert.Equal(7, uses.Count(u => u.Status == ResumeTokenStatus.NotFound));
        }
    }
}
