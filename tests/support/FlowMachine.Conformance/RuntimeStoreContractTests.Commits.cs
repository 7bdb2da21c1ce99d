using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// The runtime contract, continued: commits under the lease, commands and events from outside, the next due time.
public abstract partial class RuntimeStoreContractTests
{
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
}
