using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The behaviour every <see cref="IFlowStore"/> must have. A provider's test project subclasses this
/// once and supplies a fresh, empty store per test.
/// </summary>
public abstract class FlowStoreContractTests : IAsyncLifetime
{
    /// <summary>A whole-millisecond instant: providers may store milliseconds only.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly List<IFlowStore> stores = [];

    /// <summary>A new, empty store; the suite calls <see cref="IFlowStore.InitializeAsync"/> itself.</summary>
    protected abstract ValueTask<IFlowStore> CreateStoreAsync();

    /// <summary>Runs after every store of the test is disposed (delete files and the like).</summary>
    protected virtual ValueTask CleanupAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await CleanupAsync();
    }

    /// <summary>A created and initialized store, disposed after the test.</summary>
    protected async ValueTask<IFlowStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    // Building blocks -------------------------------------------------------------------------

    protected static NewFlow MakeFlow(
        string id,
        string? key = null,
        DateTimeOffset? createdAt = null,
        DateTimeOffset? nextRunAt = null,
        FlowState state = FlowState.Pending,
        string? owner = null,
        string? routine = null,
        string? parent = null,
        int steps = 2)
    {
        var at = createdAt ?? T0;
        var flow = new FlowRecord
        {
            Id = id,
            Key = key,
            Label = "label " + id,
            Owner = owner,
            Routine = routine,
            RoutineVersion = routine is null ? null : 1,
            SpecJson = """{"tasks":["a","b"]}""",
            State = state,
            Input = new JsonObject { ["n"] = 1 },
            Data = new JsonObject { ["greeting"] = "hello" },
            ParentFlowId = parent,
            ParentStepKey = parent is null ? null : "spawn",
            CreatedAt = at,
            UpdatedAt = at,
            NextRunAt = nextRunAt,
        };
        var stepList = Enumerable.Range(0, steps)
            .Select(i => new StepRecord { FlowId = id, Index = i, Key = "s" + i, TaskType = "noop" })
            .Reverse() // Stores must order by Index, whatever order they were given in.
            .ToList();
        return new NewFlow(flow, stepList, [new HistoryEvent(id, 1, at, "created", null, new JsonObject { ["by"] = "test" })]);
    }

    private static async Task<ClaimedFlow> ClaimOneAsync(IFlowStore store, string id, string owner = "w1", DateTimeOffset? now = null)
    {
        var claimed = await store.ClaimFlowAsync(id, owner, now ?? T0, Lease, CancellationToken.None);
        Assert.NotNull(claimed);
        return claimed;
    }

    private static CancellationToken None => CancellationToken.None;

    // Creating --------------------------------------------------------------------------------

    [Fact]
    public async Task Create_then_read_back_flow_steps_and_history()
    {
        var store = await NewStoreAsync();
        var result = await store.CreateFlowAsync(MakeFlow("f1", key: "k1"), None);
        Assert.True(result.Created);
        Assert.Equal("f1", result.Flow.Id);

        var flow = await store.GetFlowAsync("f1", None);
        Assert.NotNull(flow);
        Assert.Equal("k1", flow.Key);
        Assert.Equal("label f1", flow.Label);
        Assert.Equal(FlowState.Pending, flow.State);
        Assert.Equal(T0, flow.CreatedAt);
        Assert.Null(flow.NextRunAt);
        Assert.Equal("""{"n":1}""", flow.Input!.ToJsonString());
        Assert.Equal("""{"greeting":"hello"}""", flow.Data.ToJsonString());
        Assert.Equal("f1", (await store.GetFlowByKeyAsync("k1", None))!.Id);
        Assert.Null(await store.GetFlowAsync("nope", None));
        Assert.Null(await store.GetFlowByKeyAsync("nope", None));

        var steps = await store.GetStepsAsync("f1", None);
        Assert.Equal(["s0", "s1"], steps.Select(s => s.Key));
        Assert.All(steps, s => Assert.Equal(StepState.Pending, s.State));

        var history = await store.GetHistoryAsync("f1", 0, 100, None);
        var created = Assert.Single(history);
        Assert.Equal("created", created.Kind);
        Assert.Equal("""{"by":"test"}""", created.Detail!.ToJsonString());
    }

    [Fact]
    public async Task Create_with_a_taken_key_writes_nothing_and_returns_the_first_flow()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", key: "same"), None);
        var second = await store.CreateFlowAsync(MakeFlow("f2", key: "same", steps: 5), None);

        Assert.False(second.Created);
        Assert.Equal("f1", second.Flow.Id);
        Assert.Null(await store.GetFlowAsync("f2", None));
        Assert.Empty(await store.GetStepsAsync("f2", None));
        Assert.Empty(await store.GetHistoryAsync("f2", 0, 10, None));
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_make_one_flow()
    {
        var store = await NewStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await store.CreateFlowAsync(MakeFlow("f" + i, key: "race"), None))));

        var winner = Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(winner.Flow.Id, r.Flow.Id));
        var page = await store.ListFlowsAsync(new FlowQuery { Limit = 100 }, None);
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task Records_handed_out_are_copies()
    {
        var store = await NewStoreAsync();
        var input = MakeFlow("f1", nextRunAt: T0);
        await store.CreateFlowAsync(input, None);

        // Changing what was passed in or handed out changes nothing stored.
        input.Flow.Data["greeting"] = "changed";
        input.Flow.State = FlowState.Failed;
        input.Steps[0].State = StepState.Failed;
        var flow = (await store.GetFlowAsync("f1", None))!;
        flow.Data["greeting"] = "changed too";
        flow.Input!["n"] = 99;
        flow.Label = "changed";
        var steps = await store.GetStepsAsync("f1", None);
        steps[0].State = StepState.Failed;
        var claimed = await ClaimOneAsync(store, "f1");
        claimed.Flow.Data["x"] = 1;
        claimed.Steps[0].Result = 5;

        var again = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal("""{"greeting":"hello"}""", again.Data.ToJsonString());
        Assert.Equal("""{"n":1}""", again.Input!.ToJsonString());
        Assert.Equal("label f1", again.Label);
        Assert.Equal(FlowState.Pending, again.State);
        Assert.All(await store.GetStepsAsync("f1", None), s =>
        {
            Assert.Equal(StepState.Pending, s.State);
            Assert.Null(s.Result);
        });
    }

    // Claiming --------------------------------------------------------------------------------

    [Fact]
    public async Task ClaimDue_takes_due_flows_oldest_first_up_to_max()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("late", nextRunAt: T0.AddSeconds(-1)), None);
        await store.CreateFlowAsync(MakeFlow("early", nextRunAt: T0.AddSeconds(-3)), None);
        await store.CreateFlowAsync(MakeFlow("middle", nextRunAt: T0.AddSeconds(-2)), None);
        await store.CreateFlowAsync(MakeFlow("future", nextRunAt: T0.AddSeconds(5)), None);
        await store.CreateFlowAsync(MakeFlow("idle"), None);

        var first = await store.ClaimDueAsync("w1", 2, T0, Lease, None);
        Assert.Equal(["early", "middle"], first.Select(c => c.Flow.Id));
        Assert.All(first, c =>
        {
            Assert.Equal("w1", c.Flow.LeaseOwner);
            Assert.Equal(T0 + Lease, c.Flow.LeaseExpiresAt);
        });
        Assert.Equal("w1", (await store.GetFlowAsync("early", None))!.LeaseOwner);

        var second = await store.ClaimDueAsync("w2", 10, T0, Lease, None);
        Assert.Equal(["late"], second.Select(c => c.Flow.Id));
        Assert.Empty(await store.ClaimDueAsync("w3", 10, T0, Lease, None));

        var later = await store.ClaimDueAsync("w3", 10, T0.AddSeconds(5), Lease, None);
        Assert.Equal(["future"], later.Select(c => c.Flow.Id));
    }

    [Fact]
    public async Task Eight_concurrent_claimers_never_get_the_same_flow()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 200; i++)
        {
            await store.CreateFlowAsync(MakeFlow($"f{i:D3}", nextRunAt: T0.AddMilliseconds(-i), steps: 1), None);
        }

        var seen = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (true)
            {
                var batch = await store.ClaimDueAsync("w" + w, 5, T0, Lease, None);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var c in batch)
                {
                    Assert.Equal("w" + w, c.Flow.LeaseOwner);
                    seen.Add(c.Flow.Id);
                }
            }
        })));

        Assert.Equal(200, seen.Count);
        Assert.Equal(200, seen.Distinct().Count());
    }

    [Fact]
    public async Task An_expired_lease_makes_the_flow_claimable_again()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        Assert.Single(await store.ClaimDueAsync("w1", 10, T0, Lease, None));

        Assert.Empty(await store.ClaimDueAsync("w2", 10, T0 + Lease - TimeSpan.FromMilliseconds(1), Lease, None));
        Assert.Null(await store.ClaimFlowAsync("f1", "w2", T0.AddSeconds(1), Lease, None));

        var taken = Assert.Single(await store.ClaimDueAsync("w2", 10, T0 + Lease, Lease, None));
        Assert.Equal("w2", taken.Flow.LeaseOwner);
        Assert.Equal(T0 + Lease + Lease, taken.Flow.LeaseExpiresAt);
    }

    [Fact]
    public async Task ClaimFlow_claims_one_due_flow()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("due", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("future", nextRunAt: T0.AddMinutes(1)), None);
        await store.CreateFlowAsync(MakeFlow("idle"), None);

        Assert.Null(await store.ClaimFlowAsync("future", "w1", T0, Lease, None));
        Assert.Null(await store.ClaimFlowAsync("idle", "w1", T0, Lease, None));
        Assert.Null(await store.ClaimFlowAsync("missing", "w1", T0, Lease, None));

        var claimed = await ClaimOneAsync(store, "due", "w1");
        Assert.Equal("w1", claimed.Flow.LeaseOwner);
        Assert.Null(await store.ClaimFlowAsync("due", "w2", T0.AddSeconds(1), Lease, None));

        // The same owner may claim it again (and so extend the lease).
        var again = await ClaimOneAsync(store, "due", "w1", T0.AddSeconds(10));
        Assert.Equal(T0.AddSeconds(10) + Lease, again.Flow.LeaseExpiresAt);
    }

    [Fact]
    public async Task A_claimed_flow_comes_with_steps_commands_events_and_last_seq()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", steps: 3), None);
        Assert.True(await store.EnqueueCommandAsync("f1", FlowCommand.Push, "s1", new JsonObject { ["v"] = 1 }, "alice", T0, None));
        Assert.True(await store.EnqueueCommandAsync("f1", FlowCommand.Submit, null, null, null, T0, None));
        Assert.True(await store.AddEventAsync("f1", "paid", JsonValue.Create(42), T0, None));
        Assert.True(await store.AddEventAsync("f1", "shipped", null, T0, None));

        var claimed = await ClaimOneAsync(store, "f1");
        Assert.Equal(["s0", "s1", "s2"], claimed.Steps.Select(s => s.Key));
        Assert.Equal([FlowCommand.Push, FlowCommand.Submit], claimed.Commands.Select(c => c.Kind));
        Assert.True(claimed.Commands[0].Id < claimed.Commands[1].Id);
        Assert.Equal("alice", claimed.Commands[0].Actor);
        Assert.Equal("s1", claimed.Commands[0].StepKey);
        Assert.Equal("""{"v":1}""", claimed.Commands[0].Payload!.ToJsonString());
        Assert.Equal(T0, claimed.Commands[0].At);
        Assert.Equal(["paid", "shipped"], claimed.Events.Select(e => e.Name));
        Assert.Equal("42", claimed.Events[0].Value!.ToJsonString());
        Assert.Equal(1, claimed.LastSeq);
    }

    [Fact]
    public async Task RenewLeases_extends_held_leases_and_reports_lost_ones()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("a", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("b", nextRunAt: T0), None);
        await ClaimOneAsync(store, "a", "w1");
        await ClaimOneAsync(store, "b", "w2");

        var lost = await store.RenewLeasesAsync("w1", ["a", "b", "missing"], T0.AddMinutes(5), None);
        Assert.Equal(["b", "missing"], lost.Order(StringComparer.Ordinal));
        Assert.Equal(T0.AddMinutes(5), (await store.GetFlowAsync("a", None))!.LeaseExpiresAt);
        Assert.Equal(T0 + Lease, (await store.GetFlowAsync("b", None))!.LeaseExpiresAt);

        // The renewed lease holds past the old expiry.
        var claims = await store.ClaimDueAsync("w3", 10, T0.AddMinutes(1), Lease, None);
        Assert.DoesNotContain(claims, c => c.Flow.Id == "a");
        Assert.Contains(claims, c => c.Flow.Id == "b");
    }

    // Committing ------------------------------------------------------------------------------

    [Fact]
    public async Task Commit_by_a_non_owner_throws_and_writes_nothing()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("other"), None);
        await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, null, T0, None);
        var claimed = await ClaimOneAsync(store, "f1", "w1");

        var row = claimed.Flow.Clone();
        row.State = FlowState.Completed;
        row.Label = "hijacked";
        row.Data["x"] = 1;
        var transition = new FlowTransition
        {
            LeaseOwner = "w2",
            Flow = row,
            DataChanged = true,
            Release = true,
            Steps = [new StepRecord { FlowId = "f1", Index = 0, Key = "s0", TaskType = "noop", State = StepState.Completed }],
            History = [new HistoryEvent("f1", 2, T0, "completed", null, null)],
            ConsumedCommands = [claimed.Commands[0].Id],
            NewFlows = [MakeFlow("child", parent: "f1")],
            Commands = [new OutgoingCommand("other", FlowCommand.ChildFinished, null, null)],
        };

        var error = await Assert.ThrowsAsync<LeaseLostException>(async () => await store.CommitAsync(transition, None));
        Assert.Equal("f1", error.FlowId);

        var flow = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal(FlowState.Pending, flow.State);
        Assert.Equal("label f1", flow.Label);
        Assert.Equal("w1", flow.LeaseOwner);
        Assert.Equal("""{"greeting":"hello"}""", flow.Data.ToJsonString());
        Assert.All(await store.GetStepsAsync("f1", None), s => Assert.Equal(StepState.Pending, s.State));
        Assert.Single(await store.GetHistoryAsync("f1", 0, 10, None));
        Assert.Single(await store.GetCommandsAsync("f1", None));
        Assert.Null(await store.GetFlowAsync("child", None));
        Assert.Empty(await store.GetCommandsAsync("other", None));
        Assert.Null((await store.GetFlowAsync("other", None))!.NextRunAt);

        // A flow nobody has claimed cannot be committed either.
        await Assert.ThrowsAsync<LeaseLostException>(async () =>
            await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = (await store.GetFlowAsync("other", None))! }, None));
    }

    [Fact]
    public async Task Concurrent_commits_that_fail_write_nothing_and_leave_their_neighbours_committed()
    {
        // Stores may write concurrent commits together (group commit): a failing one must not take the others with it.
        var store = await NewStoreAsync();
        const int flows = 24;
        var claimed = new List<ClaimedFlow>();
        for (var i = 0; i < flows; i++)
        {
            await store.CreateFlowAsync(MakeFlow($"f{i:D2}", nextRunAt: T0), None);
            claimed.Add(await ClaimOneAsync(store, $"f{i:D2}", "w1"));
        }

        FlowTransition Step(ClaimedFlow c, string owner, long seq)
        {
            var row = c.Flow.Clone();
            row.State = FlowState.Running;
            row.Position = 1;
            var step = c.Steps[0].Clone();
            step.State = StepState.Completed;
            step.Attempts = 1;
            return new FlowTransition
            {
                LeaseOwner = owner,
                Flow = row,
                Steps = [step],
                History = [new HistoryEvent(c.Flow.Id, seq, T0, "step", "s0", null)],
            };
        }

        // A store may refuse at once or later: either way the caller's task fails.
        async Task<CommitResult> Commit(FlowTransition t) => await store.CommitAsync(t, None);

        // Every third commit fails: one by a worker without the lease, one half-way (its history seq is taken).
        var commits = claimed.Select((c, i) => (i % 3) switch
        {
            1 => Commit(Step(c, "intruder", 2)),
            2 => Commit(Step(c, "w1", 1)),
            _ => Commit(Step(c, "w1", 2)),
        }).ToList();
        await Task.WhenAll(commits.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        for (var i = 0; i < flows; i++)
        {
            var id = claimed[i].Flow.Id;
            var flow = (await store.GetFlowAsync(id, None))!;
            var steps = await store.GetStepsAsync(id, None);
            var history = await store.GetHistoryAsync(id, 0, 10, None);
            if (i % 3 == 0)
            {
                Assert.True(commits[i].IsCompletedSuccessfully, $"commit {i} failed: {commits[i].Exception}");
                Assert.Equal(FlowState.Running, flow.State);
                Assert.Equal(StepState.Completed, steps[0].State);
                Assert.Equal([1L, 2], history.Select(h => h.Seq));
            }
            else
            {
                Assert.True(commits[i].IsFaulted, $"commit {i} should have failed");
                if (i % 3 == 1)
                {
                    Assert.IsType<LeaseLostException>(commits[i].Exception!.InnerException);
                }

                Assert.Equal(FlowState.Pending, flow.State);
                Assert.Equal(StepState.Pending, steps[0].State);
                Assert.Equal([1L], history.Select(h => h.Seq));
                Assert.Equal("w1", flow.LeaseOwner);
            }
        }
    }

    [Fact]
    public async Task Concurrent_commits_each_write_every_field_they_carry()
    {
        var (_, commits) = await CommitManyAtOnceAsync();
        Assert.All(commits, c => Assert.True(c.IsCompletedSuccessfully, $"a commit failed: {c.Exception}"));
    }

    /// <summary>
    /// Commits for many flows at once (so that a store may write them together), each setting other
    /// fields, and checks that every flow reads back exactly what its own transition carried. Returns
    /// the store for store-specific checks.
    /// </summary>
    protected async Task<(IFlowStore Store, List<Task<CommitResult>> Commits)> CommitManyAtOnceAsync(int flows = 18)
    {
        var store = await NewStoreAsync();
        var claimed = new List<ClaimedFlow>();
        for (var i = 0; i < flows; i++)
        {
            var id = $"f{i:D2}";
            await store.CreateFlowAsync(MakeFlow(id, nextRunAt: T0), None);
            claimed.Add(await ClaimOneAsync(store, id, "w1"));
            if (i % 3 == 0)
            {
                Assert.True(await store.EnqueueCommandAsync(id, "resubmit", "s0", new JsonObject { ["for"] = i }, "op", T0, None));
            }
        }

        var consumed = new Dictionary<int, long>();
        for (var i = 0; i < flows; i += 6)
        {
            consumed[i] = Assert.Single(await store.GetCommandsAsync(claimed[i].Flow.Id, None)).Id;
        }

        FlowTransition Transition(int i)
        {
            var c = claimed[i];
            var row = c.Flow.Clone();
            row.State = i % 2 == 0 ? FlowState.Running : FlowState.Waiting;
            row.Position = i % 3;
            row.Data = new JsonObject { ["i"] = i };
            row.Result = i % 4 == 0 ? new JsonObject { ["r"] = i } : null;
            row.Error = i % 5 == 0 ? $"error {i}" : null;
            row.WaitReason = i % 2 == 1 ? $"waiting {i}" : null;
            row.Generation = i;
            row.UpdatedAt = T0.AddSeconds(i);
            row.NextRunAt = i % 2 == 0 ? T0.AddSeconds(100 + i) : null;
            var s0 = c.Steps[0].Clone();
            s0.State = i % 2 == 0 ? StepState.Completed : StepState.Waiting;
            s0.Result = new JsonArray(i, "x");
            s0.Error = i % 5 == 0 ? $"step error {i}" : null;
            s0.ErrorDetail = i % 5 == 0 ? "detail" : null;
            s0.Attempts = i + 1;
            s0.StartedAt = T0.AddSeconds(i);
            s0.FinishedAt = i % 2 == 0 ? T0.AddSeconds(i + 1) : null;
            s0.NotBefore = i % 3 == 1 ? T0.AddSeconds(50) : null;
            s0.WaitReason = i % 2 == 1 ? $"waiting {i}" : null;
            s0.WaitEvent = i % 2 == 1 ? $"event{i}" : null;
            s0.WaitUntil = i % 2 == 1 ? T0.AddSeconds(200 + i) : null;
            s0.ResumeToken = i % 2 == 1 ? $"token-{i}" : null;
            s0.ParamOverrides = i % 3 == 2 ? new JsonObject { ["p"] = i } : null;
            s0.Spawn = i % 4 == 1 ? new JsonObject { ["children"] = i } : null;
            var steps = new List<StepRecord>();
            if (i % 4 == 2)
            {
                // The same step twice in one transition: the last one wins.
                var stale = s0.Clone();
                stale.Attempts = 999;
                steps.Add(stale);
            }

            steps.Add(s0);
            if (i % 3 == 0)
            {
                steps.Add(new StepRecord { FlowId = c.Flow.Id, Index = 2, Key = "extra", TaskType = "print", State = StepState.Pending });
            }

            return new FlowTransition
            {
                LeaseOwner = "w1",
                Flow = row,
                DataChanged = i % 2 == 0,
                Release = i % 4 == 3,
                Steps = steps,
                History = [new HistoryEvent(c.Flow.Id, 2, T0.AddSeconds(i), "step_started", "s0", null), new HistoryEvent(c.Flow.Id, 3, T0.AddSeconds(i), "note", null, new JsonObject { ["i"] = i })],
                ConsumedCommands = consumed.TryGetValue(i, out var command) ? [command] : [],
            };
        }

        var transitions = Enumerable.Range(0, flows).Select(Transition).ToList();
        var commits = transitions.Select(t => store.CommitAsync(t, None).AsTask()).ToList();
        await Task.WhenAll(commits.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        for (var i = 0; i < flows; i++)
        {
            if (!commits[i].IsCompletedSuccessfully)
            {
                continue;
            }

            var t = transitions[i];
            var id = t.Flow.Id;
            Assert.Equal(i % 3 == 0 && !consumed.ContainsKey(i), commits[i].Result.HasCommands);

            var flow = (await store.GetFlowAsync(id, None))!;
            Assert.Equal(t.Flow.State, flow.State);
            Assert.Equal(t.Flow.Position, flow.Position);
            Assert.Equal(i % 2 == 0 ? $$"""{"i":{{i}}}""" : """{"greeting":"hello"}""", flow.Data.ToJsonString());
            Assert.Equal(t.Flow.Result?.ToJsonString(), flow.Result?.ToJsonString());
            Assert.Equal(t.Flow.Error, flow.Error);
            Assert.Equal(t.Flow.WaitReason, flow.WaitReason);
            Assert.Equal(i, flow.Generation);
            Assert.Equal(t.Flow.UpdatedAt, flow.UpdatedAt);
            var waiting = i % 3 == 0 && !consumed.ContainsKey(i);
            Assert.Equal(t.Release && waiting ? t.Flow.UpdatedAt : t.Flow.NextRunAt, flow.NextRunAt); // let go with a command waiting: due again
            Assert.Equal(t.Release ? null : "w1", flow.LeaseOwner);
            Assert.Equal(t.Release ? null : T0 + Lease, flow.LeaseExpiresAt);
            Assert.Equal(claimed[i].Flow.SpecJson, flow.SpecJson);
            Assert.Equal(claimed[i].Flow.Input!.ToJsonString(), flow.Input!.ToJsonString());

            var steps = await store.GetStepsAsync(id, None);
            Assert.Equal(i % 3 == 0 ? ["s0", "s1", "extra"] : new[] { "s0", "s1" }, steps.Select(s => s.Key));
            var want = t.Steps[^(i % 3 == 0 ? 2 : 1)];
            var got = steps[0];
            Assert.Equal(want.State, got.State);
            Assert.Equal(want.Result!.ToJsonString(), got.Result!.ToJsonString());
            Assert.Equal(want.Error, got.Error);
            Assert.Equal(want.ErrorDetail, got.ErrorDetail);
            Assert.Equal(i + 1, got.Attempts);
            Assert.Equal(want.StartedAt, got.StartedAt);
            Assert.Equal(want.FinishedAt, got.FinishedAt);
            Assert.Equal(want.NotBefore, got.NotBefore);
            Assert.Equal(want.WaitReason, got.WaitReason);
            Assert.Equal(want.WaitEvent, got.WaitEvent);
            Assert.Equal(want.WaitUntil, got.WaitUntil);
            Assert.Equal(want.ResumeToken, got.ResumeToken);
            Assert.Equal(want.ParamOverrides?.ToJsonString(), got.ParamOverrides?.ToJsonString());
            Assert.Equal(want.Spawn?.ToJsonString(), got.Spawn?.ToJsonString());
            Assert.Equal(StepState.Pending, steps[1].State);
            Assert.Equal("noop", steps[0].TaskType);

            var history = await store.GetHistoryAsync(id, 0, 10, None);
            Assert.Equal([1L, 2, 3], history.Select(h => h.Seq));
            Assert.Equal("step_started", history[1].Kind);
            Assert.Equal("s0", history[1].StepKey);
            Assert.Null(history[1].Detail);
            Assert.Null(history[2].StepKey);
            Assert.Equal($$"""{"i":{{i}}}""", history[2].Detail!.ToJsonString());
            Assert.Equal(T0.AddSeconds(i), history[2].At);

            Assert.Equal(waiting ? 1 : 0, (await store.GetCommandsAsync(id, None)).Count);
        }

        return (store, commits);
    }

    [Fact]
    public async Task Commit_writes_row_steps_history_and_keeps_the_lease()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1", "w1");

        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        row.Position = 1;
        row.UpdatedAt = T0.AddSeconds(1);
        row.NextRunAt = T0.AddSeconds(1);
        row.Data["ignored"] = true; // DataChanged is false: not written.
        row.Result = new JsonObject { ["r"] = 1 };
        row.Error = "e";
        row.WaitReason = "w";
        row.Generation = 2;
        row.LeaseOwner = "someone else"; // Ignored without Release.
        var s0 = claimed.Steps[0].Clone();
        s0.State = StepState.Completed;
        s0.Result = new JsonArray(1, 2);
        s0.Attempts = 1;
        s0.StartedAt = T0;
        s0.FinishedAt = T0.AddSeconds(1);
        s0.ParamOverrides = new JsonObject { ["p"] = "q" };
        var extra = new StepRecord { FlowId = "f1", Index = 2, Key = "s2", TaskType = "print", State = StepState.Pending };

        var result = await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = "w1",
            Flow = row,
            Steps = [s0, extra],
            History = [new HistoryEvent("f1", 3, T0.AddSeconds(1), "b", "s0", null), new HistoryEvent("f1", 2, T0.AddSeconds(1), "a", "s0", JsonValue.Create("x"))],
        }, None);
        Assert.False(result.HasCommands);

        var flow = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal(FlowState.Running, flow.State);
        Assert.Equal(1, flow.Position);
        Assert.Equal(T0.AddSeconds(1), flow.UpdatedAt);
        Assert.Equal(T0.AddSeconds(1), flow.NextRunAt);
        Assert.Equal("""{"greeting":"hello"}""", flow.Data.ToJsonString());
        Assert.Equal("""{"r":1}""", flow.Result!.ToJsonString());
        Assert.Equal("e", flow.Error);
        Assert.Equal("w", flow.WaitReason);
        Assert.Equal(2, flow.Generation);
        Assert.Equal("w1", flow.LeaseOwner);
        Assert.Equal(T0 + Lease, flow.LeaseExpiresAt);

        var steps = await store.GetStepsAsync("f1", None);
        Assert.Equal(["s0", "s1", "s2"], steps.Select(s => s.Key));
        Assert.Equal(StepState.Completed, steps[0].State);
        Assert.Equal("[1,2]", steps[0].Result!.ToJsonString());
        Assert.Equal(1, steps[0].Attempts);
        Assert.Equal(T0, steps[0].StartedAt);
        Assert.Equal(T0.AddSeconds(1), steps[0].FinishedAt);
        Assert.Equal("""{"p":"q"}""", steps[0].ParamOverrides!.ToJsonString());
        Assert.Equal("print", steps[2].TaskType);

        Assert.Equal([1L, 2, 3], (await store.GetHistoryAsync("f1", 0, 10, None)).Select(h => h.Seq));

        // Now with data.
        row.Data["written"] = true;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, DataChanged = true }, None);
        Assert.Equal("""{"greeting":"hello","ignored":true,"written":true}""", (await store.GetFlowAsync("f1", None))!.Data.ToJsonString());

        // The next claim reports the new last seq.
        Assert.Equal(3, (await ClaimOneAsync(store, "f1", "w1", T0.AddSeconds(2))).LastSeq);
    }

    [Fact]
    public async Task Commit_with_release_clears_the_lease()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1", "w1");
        var row = claimed.Flow.Clone();
        row.NextRunAt = T0.AddSeconds(1);

        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Release = true }, None);

        var flow = (await store.GetFlowAsync("f1", None))!;
        Assert.Null(flow.LeaseOwner);
        Assert.Null(flow.LeaseExpiresAt);
        Assert.Equal(T0.AddSeconds(1), await store.GetNextDueAsync(None));

        // Released: another owner can claim it at once, and the old owner can no longer commit.
        Assert.Equal("w2", Assert.Single(await store.ClaimDueAsync("w2", 10, T0.AddSeconds(1), Lease, None)).Flow.LeaseOwner);
        await Assert.ThrowsAsync<LeaseLostException>(async () => await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row }, None));
    }

    [Fact]
    public async Task Input_that_arrives_while_a_worker_lets_go_leaves_the_flow_due()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("f2", nextRunAt: T0), None);
        var one = await ClaimOneAsync(store, "f1", "w1");
        var two = await ClaimOneAsync(store, "f2", "w1");
        await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, "ops", T0, None);
        await store.AddEventAsync("f2", "approved", null, T0, None);

        // Each worker releases as if waiting for outside input (no next run), unaware of the new input.
        foreach (var claimed in new[] { one, two })
        {
            var row = claimed.Flow.Clone();
            row.State = FlowState.Waiting;
            row.NextRunAt = null;
            row.UpdatedAt = T0.AddSeconds(1);
            var result = await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, Release = true }, None);
            Assert.Equal(claimed.Flow.Id == "f1", result.HasCommands);
        }

        var due = await store.ClaimDueAsync("w2", 10, T0.AddSeconds(1), Lease, None);
        Assert.Equal(["f1", "f2"], due.Select(c => c.Flow.Id).Order());

        // Events the worker has already seen do not make the flow due again.
        var seen = due.Single(c => c.Flow.Id == "f2");
        var again = seen.Flow.Clone();
        again.NextRunAt = null;
        again.UpdatedAt = T0.AddSeconds(2);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w2", Flow = again, Release = true, KnownEventId = seen.Events.Max(e => e.Id) }, None);
        Assert.DoesNotContain(await store.ClaimDueAsync("w3", 10, T0.AddSeconds(5), Lease, None), c => c.Flow.Id == "f2");
    }

    [Fact]
    public async Task Commands_make_a_flow_due_and_are_consumed_by_commit()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", state: FlowState.Failed), None);
        Assert.False(await store.EnqueueCommandAsync("missing", FlowCommand.Reset, null, null, null, T0, None));
        Assert.Empty(await store.ClaimDueAsync("w1", 10, T0, Lease, None));

        // Even a terminal flow becomes due: a reset of a FAILED flow must be processed.
        Assert.True(await store.EnqueueCommandAsync("f1", FlowCommand.Reset, null, null, "bob", T0, None));
        Assert.Equal(T0, (await store.GetFlowAsync("f1", None))!.NextRunAt);
        Assert.Equal(T0, await store.GetNextDueAsync(None));
        var claimed = Assert.Single(await store.ClaimDueAsync("w1", 10, T0, Lease, None));
        var reset = Assert.Single(claimed.Commands);

        // A command that arrives while the flow runs stays for the next round.
        await store.EnqueueCommandAsync("f1", FlowCommand.Cancel, null, null, null, T0.AddSeconds(1), None);
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        var result = await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, ConsumedCommands = [reset.Id] }, None);
        Assert.True(result.HasCommands);
        var left = Assert.Single(await store.GetCommandsAsync("f1", None));
        Assert.Equal(FlowCommand.Cancel, left.Kind);
        Assert.True(left.Id > reset.Id);

        result = await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, ConsumedCommands = [left.Id], Release = true }, None);
        Assert.False(result.HasCommands);
        Assert.Empty(await store.GetCommandsAsync("f1", None));
    }

    [Fact]
    public async Task Enqueue_keeps_an_earlier_next_run()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, null, T0.AddMinutes(1), None);
        Assert.Equal(T0, (await store.GetFlowAsync("f1", None))!.NextRunAt);
        await store.EnqueueCommandAsync("f1", FlowCommand.Push, null, null, null, T0.AddMinutes(-1), None);
        Assert.Equal(T0.AddMinutes(-1), (await store.GetFlowAsync("f1", None))!.NextRunAt);
    }

    [Fact]
    public async Task Outgoing_commands_wake_the_target_and_children_are_created()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("parent", state: FlowState.Spawned), None);
        await store.CreateFlowAsync(MakeFlow("later", nextRunAt: T0.AddHours(1)), None);
        await store.CreateFlowAsync(MakeFlow("earlier", nextRunAt: T0.AddHours(-1)), None);
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");
        var row = claimed.Flow.Clone();
        row.UpdatedAt = T0.AddSeconds(5);
        row.NextRunAt = null;

        await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = "w1",
            Flow = row,
            Release = true,
            NewFlows = [MakeFlow("child1", parent: "f1", nextRunAt: T0.AddSeconds(5)), MakeFlow("child2", key: "ck", parent: "f1", nextRunAt: T0.AddSeconds(5))],
            Commands =
            [
                new OutgoingCommand("parent", FlowCommand.ChildFinished, "spawn", new JsonObject { ["child"] = "f1" }),
                new OutgoingCommand("later", FlowCommand.Push, null, null),
                new OutgoingCommand("earlier", FlowCommand.Push, null, null),
            ],
        }, None);

        var command = Assert.Single(await store.GetCommandsAsync("parent", None));
        Assert.Equal(FlowCommand.ChildFinished, command.Kind);
        Assert.Equal("spawn", command.StepKey);
        Assert.Equal(T0.AddSeconds(5), command.At);
        Assert.Equal("""{"child":"f1"}""", command.Payload!.ToJsonString());
        Assert.Equal(T0.AddSeconds(5), (await store.GetFlowAsync("parent", None))!.NextRunAt);
        Assert.Equal(T0.AddSeconds(5), (await store.GetFlowAsync("later", None))!.NextRunAt);
        Assert.Equal(T0.AddHours(-1), (await store.GetFlowAsync("earlier", None))!.NextRunAt);

        Assert.Equal(2, (await store.GetStepsAsync("child1", None)).Count);
        Assert.Single(await store.GetHistoryAsync("child2", 0, 10, None));
        Assert.Equal("child2", (await store.GetFlowByKeyAsync("ck", None))!.Id);
        var children = await store.ListFlowsAsync(new FlowQuery { ParentFlowId = "f1" }, None);
        Assert.Equal(["child1", "child2"], children.Items.Select(f => f.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Events_make_a_flow_due_and_are_consumed_by_commit()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", state: FlowState.Waiting), None);
        Assert.False(await store.AddEventAsync("missing", "paid", null, T0, None));
        Assert.True(await store.AddEventAsync("f1", "paid", new JsonObject { ["amount"] = 3 }, T0, None));
        Assert.Equal(T0, (await store.GetFlowAsync("f1", None))!.NextRunAt);

        var claimed = Assert.Single(await store.ClaimDueAsync("w1", 10, T0, Lease, None));
        var paid = Assert.Single(claimed.Events);
        Assert.Equal("""{"amount":3}""", paid.Value!.ToJsonString());
        Assert.Equal(T0, paid.At);

        var row = claimed.Flow.Clone();
        row.NextRunAt = null;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, ConsumedEvents = [paid.Id], Release = true }, None);
        await store.AddEventAsync("f1", "shipped", null, T0.AddSeconds(1), None);
        var next = Assert.Single(await store.ClaimDueAsync("w1", 10, T0.AddSeconds(1), Lease, None));
        Assert.Equal("shipped", Assert.Single(next.Events).Name);
    }

    [Fact]
    public async Task NextDue_is_the_earliest_claimable_time()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetNextDueAsync(None));
        await store.CreateFlowAsync(MakeFlow("idle"), None);
        Assert.Null(await store.GetNextDueAsync(None));

        await store.CreateFlowAsync(MakeFlow("a", nextRunAt: T0.AddSeconds(10)), None);
        await store.CreateFlowAsync(MakeFlow("b", nextRunAt: T0.AddSeconds(20)), None);
        Assert.Equal(T0.AddSeconds(10), await store.GetNextDueAsync(None));

        // A leased flow counts from when its lease expires.
        await ClaimOneAsync(store, "a", "w1", T0.AddSeconds(10));
        Assert.Equal(T0.AddSeconds(20), await store.GetNextDueAsync(None));
        await ClaimOneAsync(store, "b", "w1", T0.AddSeconds(20));
        Assert.Equal(T0.AddSeconds(10) + Lease, await store.GetNextDueAsync(None));
    }

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

    // Listing ---------------------------------------------------------------------------------

    [Fact]
    public async Task Paging_through_120_flows_newest_first()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 120; i++)
        {
            // Pairs share a creation time, so the id breaks ties.
            await store.CreateFlowAsync(MakeFlow($"f{i:D3}", createdAt: T0.AddSeconds(i / 2), steps: 0), None);
        }

        var expected = Enumerable.Range(0, 120).Select(i => $"f{i:D3}").Reverse().ToList();
        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await store.ListFlowsAsync(new FlowQuery { Limit = 50, After = cursor }, None);
            seen.AddRange(page.Items.Select(f => f.Id));
            cursor = page.Next;
            pages++;
            Assert.True(pages <= 3);
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);

        // Exactly one page: no next cursor.
        var all = await store.ListFlowsAsync(new FlowQuery { Limit = 120 }, None);
        Assert.Equal(120, all.Items.Count);
        Assert.Null(all.Next);
    }

    [Fact]
    public async Task Listing_filters_combine_with_paging()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 120; i++)
        {
            var state = i % 3 == 0 ? FlowState.Completed : FlowState.Pending;
            await store.CreateFlowAsync(
                MakeFlow($"f{i:D3}", key: "key" + i, createdAt: T0.AddSeconds(i), state: state, owner: i % 2 == 0 ? "alice" : "bob", routine: i % 4 == 0 ? "r" : null, parent: i >= 100 ? "p" : null, steps: 0),
                None);
        }

        async Task<List<string>> AllAsync(FlowQuery query)
        {
            var ids = new List<string>();
            string? cursor = null;
            do
            {
                var page = await store.ListFlowsAsync(query with { After = cursor, Limit = 7 }, None);
                Assert.True(page.Items.Count <= 7);
                ids.AddRange(page.Items.Select(f => f.Id));
                cursor = page.Next;
            }
            while (cursor is not null);
            return ids;
        }

        List<string> Expect(Func<int, bool> match) =>
            [.. Enumerable.Range(0, 120).Where(match).Reverse().Select(i => $"f{i:D3}")];

        Assert.Equal(Expect(i => i % 3 == 0), await AllAsync(new FlowQuery { State = FlowState.Completed }));
        Assert.Equal(Expect(i => i % 2 == 0 && i % 3 == 0), await AllAsync(new FlowQuery { State = FlowState.Completed, Owner = "alice" }));
        Assert.Equal(Expect(i => i % 4 == 0), await AllAsync(new FlowQuery { Routine = "r" }));
        Assert.Equal(Expect(i => i >= 100 && i % 2 == 1), await AllAsync(new FlowQuery { ParentFlowId = "p", Owner = "bob" }));
        Assert.Equal(["f042"], await AllAsync(new FlowQuery { Key = "key42" }));
        Assert.Empty(await AllAsync(new FlowQuery { Key = "key42", Owner = "bob" }));
        Assert.Empty(await AllAsync(new FlowQuery { Owner = "carol" }));
    }

    [Fact]
    public async Task Listing_clamps_the_limit_and_refuses_a_bad_cursor()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 3; i++)
        {
            await store.CreateFlowAsync(MakeFlow($"f{i}", createdAt: T0.AddSeconds(i), steps: 0), None);
        }

        var one = await store.ListFlowsAsync(new FlowQuery { Limit = 0 }, None);
        Assert.Equal(["f2"], one.Items.Select(f => f.Id));
        Assert.NotNull(one.Next);
        Assert.Equal(3, (await store.ListFlowsAsync(new FlowQuery { Limit = 100_000 }, None)).Items.Count);

        foreach (var bad in new[] { "garbage!!", "", "bm90IGEgY3Vyc29y", "%%%" })
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ListFlowsAsync(new FlowQuery { After = bad }, None));
            Assert.Contains("cursor", error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task History_comes_in_seq_order_after_a_seq()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");
        await store.CommitAsync(new FlowTransition
        {
            LeaseOwner = "w1",
            Flow = claimed.Flow,
            History = [.. Enumerable.Range(2, 9).Reverse().Select(s => new HistoryEvent("f1", s, T0.AddSeconds(s), "e" + s, "s0", JsonValue.Create(s)))],
        }, None);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await store.GetHistoryAsync("f1", 0, 100, None)).Select(h => h.Seq));
        var page = await store.GetHistoryAsync("f1", 4, 3, None);
        Assert.Equal([5L, 6, 7], page.Select(h => h.Seq));
        Assert.Equal("e5", page[0].Kind);
        Assert.Equal("s0", page[0].StepKey);
        Assert.Equal(T0.AddSeconds(5), page[0].At);
        Assert.Equal("5", page[0].Detail!.ToJsonString());
        Assert.Empty(await store.GetHistoryAsync("f1", 10, 100, None));
        Assert.Empty(await store.GetHistoryAsync("missing", 0, 100, None));
    }

    [Fact]
    public async Task Counts_by_state_for_everyone_or_one_owner()
    {
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("a", owner: "alice", state: FlowState.Completed), None);
        await store.CreateFlowAsync(MakeFlow("b", owner: "alice", state: FlowState.Waiting), None);
        await store.CreateFlowAsync(MakeFlow("c", owner: "bob", state: FlowState.Completed), None);
        await store.CreateFlowAsync(MakeFlow("d", state: FlowState.Failed, nextRunAt: T0), None);

        var all = await store.CountFlowsByStateAsync(null, None);
        Assert.Equal(2, all.GetValueOrDefault(FlowState.Completed));
        Assert.Equal(1, all.GetValueOrDefault(FlowState.Waiting));
        Assert.Equal(1, all.GetValueOrDefault(FlowState.Failed));
        Assert.Equal(0, all.GetValueOrDefault(FlowState.Running));

        var alice = await store.CountFlowsByStateAsync("alice", None);
        Assert.Equal(1, alice.GetValueOrDefault(FlowState.Completed));
        Assert.Equal(1, alice.GetValueOrDefault(FlowState.Waiting));
        Assert.Equal(0, alice.GetValueOrDefault(FlowState.Failed));

        // Counts follow commits.
        var claimed = await ClaimOneAsync(store, "d");
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row }, None);
        all = await store.CountFlowsByStateAsync(null, None);
        Assert.Equal(0, all.GetValueOrDefault(FlowState.Failed));
        Assert.Equal(1, all.GetValueOrDefault(FlowState.Running));
    }

    // Routines --------------------------------------------------------------------------------

    [Fact]
    public async Task Routines_are_versioned_by_spec()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetRoutineAsync("r", null, None));
        Assert.Empty(await store.ListRoutineVersionsAsync("r", None));

        var v1 = await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", "alice", T0, None);
        Assert.Equal(1, v1.Version);
        Assert.Equal("alice", v1.Owner);
        Assert.Equal(T0, v1.CreatedAt);

        var same = await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", "bob", T0.AddSeconds(1), None);
        Assert.Equal(v1, same);

        var v2 = await store.SaveRoutineAsync("r", """{"tasks":["a","b"]}""", "bob", T0.AddSeconds(2), None);
        Assert.Equal(2, v2.Version);
        await store.SaveRoutineAsync("b-routine", """{"tasks":[]}""", null, T0, None);
        await store.SaveRoutineAsync("a-routine", """{"tasks":[]}""", null, T0, None);

        Assert.Equal(v2, await store.GetRoutineAsync("r", null, None));
        Assert.Equal(v1, await store.GetRoutineAsync("r", 1, None));
        Assert.Null(await store.GetRoutineAsync("r", 3, None));
        Assert.Equal([1, 2], (await store.ListRoutineVersionsAsync("r", None)).Select(r => r.Version));

        var list = await store.ListRoutinesAsync(None);
        Assert.Equal(["a-routine", "b-routine", "r"], list.Select(r => r.Name));
        Assert.Equal(2, list[2].Version);

        // Back to the first spec is a change too: a new version.
        Assert.Equal(3, (await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", null, T0.AddSeconds(3), None)).Version);
    }
}
