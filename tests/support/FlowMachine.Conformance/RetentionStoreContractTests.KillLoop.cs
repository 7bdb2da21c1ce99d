using System.Collections.Concurrent;
using System.Globalization;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// Sweeping over and over while workers die mid-step and other workers take their flows over once the dead
// workers' leases run out (a worker's death is simulated in process: it stops renewing and committing, as in
// the engine's lost-worker scenarios). Times are simulated: every store call is given the clock's time.
public abstract partial class RetentionStoreContractTests
{
    private static readonly TimeSpan KillLease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_sweep_during_a_kill_loop_keeps_what_should_stay_and_leaves_nothing_past_retention()
    {
        var store = await NewStoreAsync();
        var loop = new KillLoop();
        foreach (var id in loop.Work)
        {
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0, steps: 1), None);
        }

        foreach (var (parent, children) in loop.Parents)
        {
            await store.CreateFlowAsync(MakeFlow(parent, nextRunAt: T0.AddSeconds(3), state: FlowState.Spawned, steps: 1), None);
            foreach (var child in children)
            {
                await store.CreateFlowAsync(MakeFlow(child, parent: parent, nextRunAt: T0, steps: 1), None);
            }
        }

        foreach (var id in loop.Suspended)
        {
            // Its worker died mid-step, and then an operator suspended it: once the lease runs out it is due, but held.
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0, steps: 1), None);
            var dead = await ClaimOneAsync(store, id, "dead", T0);
            await DieAsync(store, dead, "dead", T0);
            Assert.Equal(HoldStatus.Changed, (await store.SetFlowSuspendedAsync(id, true, "ops", T0, None)).Status);
        }

        using var done = new CancellationTokenSource();
        var sweeper = Task.Run(async () =>
        {
            var sweeps = 0;
            while (!done.IsCancellationRequested)
            {
                await store.DeleteFlowsAsync(All with { FinishedBefore = loop.Now - Retention }, 3, None);
                sweeps++;
                await Task.Yield();
            }

            return sweeps;
        });
        await Task.WhenAll(Enumerable.Range(1, 3).Select(w => Task.Run(() => WorkAsync(store, loop, $"w{w}"))));
        await done.CancelAsync();
        Assert.True(await sweeper > 0);

        // The sweep as it would run now: what finished within the retention stays, older finished flows go.
        var cut = loop.Now - Retention;
        while ((await store.DeleteFlowsAsync(All with { FinishedBefore = cut }, 7, None)).Deleted > 0)
        {
        }

        await AssertStayAsync(store, loop.Staying);
        foreach (var (id, endedAt) in loop.Ended)
        {
            var subtree = loop.Parents.TryGetValue(id, out var children) ? [id, .. children] : new[] { id };
            foreach (var flow in subtree)
            {
                if (endedAt < cut)
                {
                    Assert.True(await store.GetFlowAsync(flow, None) is null, $"{flow} (its tree ended at {endedAt:O}) is past its retention and still stored");
                }
                else
                {
                    await AssertStayAsync(store, [flow]);
                }
            }
        }

        // Much later every finished flow has gone, and nothing else has.
        while ((await store.DeleteFlowsAsync(All, 7, None)).Deleted > 0)
        {
        }

        await AssertStayAsync(store, loop.Staying);
        foreach (var id in loop.Ended.Keys.SelectMany(id => loop.Parents.TryGetValue(id, out var children) ? [id, .. children] : new[] { id }))
        {
            Assert.Null(await store.GetFlowAsync(id, None));
        }

        Assert.Equal(0, await store.CountDeletableFlowsAsync(All, None));
    }

    private static async Task AssertStayAsync(IFlowStore store, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            Assert.True(await store.GetFlowAsync(id, None) is not null, $"{id} should have stayed and was deleted");
            Assert.Single(await store.GetStepsAsync(id, None));
            Assert.NotEmpty(await store.GetHistoryAsync(id, 0, 10, None));
        }
    }

    // A worker: each round is a new incarnation (a killed one never comes back to renew or commit its leases).
    private static async Task WorkAsync(IFlowStore store, KillLoop loop, string worker)
    {
        for (var round = 0; !loop.Finished; round++)
        {
            Assert.True(round < 5_000, $"flows never finished: {string.Join(", ", loop.Open)}");
            var now = loop.Tick();
            var owner = $"{worker}.{round}";
            foreach (var claimed in await store.ClaimDueAsync(owner, 3, now, KillLease, None))
            {
                try
                {
                    if (loop.TryKill(claimed.Flow.Id))
                    {
                        await DieAsync(store, claimed, owner, now);
                    }
                    else
                    {
                        await FinishAsync(store, loop, claimed, owner, now);
                    }
                }
                catch (LeaseLostException)
                {
                    // The simulated clock ran past this live worker's lease and another worker took the flow
                    // over, as it would from a worker too slow to renew: that worker finishes it. (A flow the
                    // sweep deleted would never finish: the round limit above catches it.)
                }
            }

            await Task.Yield();
        }
    }

    // The worker dies mid-step: the step stays RUNNING, the flow due, under a lease nobody renews.
    private static async Task DieAsync(IFlowStore store, ClaimedFlow claimed, string owner, DateTimeOffset now)
    {
        var flow = claimed.Flow.Clone();
        flow.State = FlowState.Running;
        flow.UpdatedAt = now;
        var step = claimed.Steps[0].Clone();
        step.State = StepState.Running;
        step.Attempts++;
        step.StartedAt = now;
        await store.CommitAsync(new FlowTransition { LeaseOwner = owner, Flow = flow, Steps = [step] }, None);
    }

    private static async Task FinishAsync(IFlowStore store, KillLoop loop, ClaimedFlow claimed, string owner, DateTimeOffset now)
    {
        var flow = claimed.Flow.Clone();
        var id = flow.Id;
        flow.UpdatedAt = now;
        flow.NextRunAt = null;
        if (loop.Parents.TryGetValue(id, out var children))
        {
            var states = await store.GetFlowStatesAsync(children, None);
            var childrenEnded = children.All(c => states.TryGetValue(c, out var s) && s.IsTerminal());
            flow.State = childrenEnded && KillLoop.Completes(id) ? FlowState.Completed : FlowState.Spawned;
            flow.NextRunAt = childrenEnded ? null : now.AddSeconds(2); // woken again until its children have ended
        }
        else
        {
            flow.State = loop.Work.Contains(id) ? KillLoop.Outcome(id) : FlowState.Completed; // children complete
        }

        var step = claimed.Steps[0].Clone();
        step.State = flow.State == FlowState.Failed ? StepState.Failed : StepState.Completed;
        step.FinishedAt = now;
        await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = owner,
            Flow = flow,
            Release = true,
            Steps = [step],
            ConsumedCommands = [.. claimed.Commands.Select(c => c.Id)],
            History = [new HistoryEvent(id, claimed.LastSeq + 1, now, "step", "s0", null)],
        }, None);
        if (flow.NextRunAt is null)
        {
            loop.Done(id, flow.State, now);
        }
    }

    /// <summary>The flows of the kill loop, what becomes of each, and the simulated clock.</summary>
    private sealed class KillLoop
    {
        private static readonly FlowState[] Outcomes = [FlowState.Completed, FlowState.Completed, FlowState.Failed, FlowState.Killed, FlowState.Cancelled, FlowState.Waiting];
        private readonly ConcurrentDictionary<string, int> kills = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> open = new(StringComparer.Ordinal);
        private long elapsedMs;

        public KillLoop()
        {
            Work = [.. Enumerable.Range(0, 36).Select(n => $"k{n:D2}")];
            Parents = Enumerable.Range(0, 4).ToDictionary(n => $"p{n}", n => new[] { $"p{n}c0", $"p{n}c1" }, StringComparer.Ordinal);
            Suspended = ["s0", "s1"];
            foreach (var id in Work.Concat(Parents.Keys).Concat(Parents.Values.SelectMany(c => c)))
            {
                open[id] = true;
            }

            // Every fourth work flow loses its worker twice and the next one once before a worker finishes it;
            // so does the first child of every parent, once.
            foreach (var id in Work)
            {
                kills[id] = (int.Parse(id.AsSpan(1), CultureInfo.InvariantCulture) % 4) switch { 0 => 2, 1 => 1, _ => 0 };
            }

            foreach (var children in Parents.Values)
            {
                kills[children[0]] = 1;
            }
        }

        public IReadOnlyList<string> Work { get; }

        /// <summary>Parents (SPAWNED, woken until their children have ended) by id, with their children.</summary>
        public IReadOnlyDictionary<string, string[]> Parents { get; }

        public IReadOnlyList<string> Suspended { get; }

        /// <summary>Top-level flows that ended, with when: they and their children go once past the retention.</summary>
        public ConcurrentDictionary<string, DateTimeOffset> Ended { get; } = new(StringComparer.Ordinal);

        /// <summary>What must never be deleted: waiting, suspended, still-spawned parents and their ended children.</summary>
        public IEnumerable<string> Staying =>
            Suspended
                .Concat(Work.Where(id => Outcome(id) == FlowState.Waiting))
                .Concat(Parents.Where(p => !Completes(p.Key)).SelectMany(p => p.Value.Prepend(p.Key)));

        public IEnumerable<string> Open => open.Keys;

        public bool Finished => open.IsEmpty;

        public DateTimeOffset Now => T0.AddMilliseconds(Interlocked.Read(ref elapsedMs));

        public DateTimeOffset Tick() => T0.AddMilliseconds(Interlocked.Add(ref elapsedMs, 2_000));

        public static FlowState Outcome(string workId) => Outcomes[int.Parse(workId.AsSpan(1), CultureInfo.InvariantCulture) % Outcomes.Length];

        /// <summary>Even parents complete once their children have ended; odd ones stay SPAWNED (waiting on something else).</summary>
        public static bool Completes(string parent) => int.Parse(parent.AsSpan(1), CultureInfo.InvariantCulture) % 2 == 0;

        /// <summary>Whether the worker that claimed <paramref name="id"/> dies now (each flow has a budget of deaths).</summary>
        public bool TryKill(string id)
        {
            while (kills.TryGetValue(id, out var left) && left > 0)
            {
                if (kills.TryUpdate(id, left - 1, left))
                {
                    return true;
                }
            }

            return false;
        }

        public void Done(string id, FlowState state, DateTimeOffset at)
        {
            open.TryRemove(id, out _);
            if (state.IsTerminal() && (Work.Contains(id) || Parents.ContainsKey(id)))
            {
                Ended[id] = at;
            }
        }
    }
}
