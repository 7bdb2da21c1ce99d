using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>The read-only contract (<see cref="IFlowQueryStore"/>): pages of flows, history and counts.</summary>
public abstract class QueryStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
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

        Task<List<string>> AllAsync(FlowQuery query) => ListAllAsync(store, query, pageSize: 7);

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
    public async Task Listing_filters_by_routine_version()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 12; i++)
        {
            var made = MakeFlow($"f{i:D3}", createdAt: T0.AddSeconds(i), routine: i % 2 == 0 ? "r" : "other", steps: 0);
            made.Flow.RoutineVersion = i % 3 == 0 ? 2 : 1;
            await store.CreateFlowAsync(made, None);
        }

        var versionTwo = await ListAllAsync(store, new FlowQuery { Routine = "r", Version = 2 }, pageSize: 2);

        Assert.Equal(["f006", "f000"], versionTwo);
        Assert.Equal(["f010", "f008", "f004", "f002"], await ListAllAsync(store, new FlowQuery { Routine = "r", Version = 1 }, pageSize: 3));
        Assert.Empty(await ListAllAsync(store, new FlowQuery { Routine = "r", Version = 3 }, pageSize: 3));
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
    public async Task History_of_commits_with_several_events_reads_the_same_whole_or_one_event_at_a_time()
    {
        // What a step commits: the step that finished and the next one started, in one transition (a store may
        // keep a commit's events together); every field of every event comes back, from any seq on.
        var store = await NewStoreAsync();
        await store.CreateFlowAsync(MakeFlow("f1", nextRunAt: T0), None);
        var claimed = await ClaimOneAsync(store, "f1");
        var written = new List<HistoryEvent>();
        var seq = claimed.LastSeq;
        for (var commit = 0; commit < 4; commit++)
        {
            var at = T0.AddSeconds(commit + 1);
            List<HistoryEvent> events =
            [
                new("f1", ++seq, at, "step.completed", $"s{commit}", commit % 2 == 0 ? null : new JsonObject { ["result"] = new JsonArray(commit, "x") }),
                new("f1", ++seq, at.AddMilliseconds(1), "step.started", $"s{commit + 1}", commit == 2 ? JsonValue.Create("attempt \"2\"") : null),
            ];
            if (commit == 3)
            {
                events.Add(new("f1", ++seq, at.AddMilliseconds(2), "flow.completed", null, JsonValue.Create(3.5)));
            }

            await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, History = events }, None);
            written.AddRange(events);
        }

        var whole = await store.GetHistoryAsync("f1", claimed.LastSeq, 100, None);
        Assert.Equal(written.Count, whole.Count);
        for (var i = 0; i < written.Count; i++)
        {
            var (expected, actual) = (written[i], whole[i]);
            Assert.Equal((expected.FlowId, expected.Seq, expected.At, expected.Kind, expected.StepKey), (actual.FlowId, actual.Seq, actual.At, actual.Kind, actual.StepKey));
            Assert.Equal(expected.Detail?.ToJsonString(), actual.Detail?.ToJsonString());
        }

        // One event at a time, and pages that start and end inside a commit.
        var after = claimed.LastSeq;
        var oneByOne = new List<long>();
        while ((await store.GetHistoryAsync("f1", after, 1, None)) is [var next])
        {
            oneByOne.Add(next.Seq);
            after = next.Seq;
        }

        Assert.Equal(written.Select(e => e.Seq), oneByOne);
        Assert.Equal(written.Skip(1).Take(3).Select(e => e.Seq), (await store.GetHistoryAsync("f1", written[0].Seq, 3, None)).Select(e => e.Seq));
        Assert.Equal(written.Skip(5).Select(e => e.Seq), (await store.GetHistoryAsync("f1", written[4].Seq, 100, None)).Select(e => e.Seq));
        Assert.Equal("attempt \"2\"", (await store.GetHistoryAsync("f1", written[4].Seq, 1, None))[0].Detail!.GetValue<string>());
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

    [Fact]
    public async Task The_oldest_due_flow_is_the_least_next_run_time_of_unclaimed_due_flows()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetOldestDueAsync(T0.AddHours(1), None));
        await store.CreateFlowAsync(MakeFlow("later", nextRunAt: T0.AddMinutes(30)), None);
        await store.CreateFlowAsync(MakeFlow("paused", state: FlowState.Waiting), None);
        Assert.Null(await store.GetOldestDueAsync(T0.AddMinutes(10), None));

        await store.CreateFlowAsync(MakeFlow("old", nextRunAt: T0), None);
        await store.CreateFlowAsync(MakeFlow("newer", nextRunAt: T0.AddMinutes(5)), None);
        Assert.Equal(T0, await store.GetOldestDueAsync(T0.AddMinutes(10), None));

        // Claimed under a live lease it no longer waits; the next one is the oldest.
        await ClaimOneAsync(store, "old", now: T0.AddMinutes(10));
        Assert.Equal(T0.AddMinutes(5), await store.GetOldestDueAsync(T0.AddMinutes(10), None));
    }

    [Fact]
    public async Task The_states_of_many_flows_come_in_one_read_and_unknown_ids_are_left_out()
    {
        var store = await NewStoreAsync();
        Assert.Empty(await store.GetFlowStatesAsync([], None));
        await store.CreateFlowAsync(MakeFlow("a", state: FlowState.Completed), None);
        await store.CreateFlowAsync(MakeFlow("b", state: FlowState.Waiting), None);
        await store.CreateFlowAsync(MakeFlow("c", nextRunAt: T0), None);
        var many = Enumerable.Range(0, 700).Select(i => $"m{i:D3}").ToList();
        foreach (var id in many.Where((_, i) => i % 100 == 0))
        {
            await store.CreateFlowAsync(MakeFlow(id, state: FlowState.Failed), None);
        }

        var states = await store.GetFlowStatesAsync(["a", "b", "missing", "c", "a"], None);
        Assert.Equal(
            [("a", FlowState.Completed), ("b", FlowState.Waiting), ("c", FlowState.Pending)],
            states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value)));

        // A long list (more ids than a statement takes parameters on some databases) is fine.
        var found = await store.GetFlowStatesAsync(many, None);
        Assert.Equal(7, found.Count);
        Assert.All(found, s => Assert.Equal(FlowState.Failed, s.Value));

        // States follow commits.
        var claimed = await ClaimOneAsync(store, "c");
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row }, None);
        Assert.Equal(FlowState.Running, (await store.GetFlowStatesAsync(["c"], None))["c"]);
    }
}
