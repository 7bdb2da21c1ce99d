using System.Text.Json.Nodes;
using FlowMachine.Retention;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Core.Tests.Retention;

/// <summary>The sweeper applies the policy: periods by state, periods of a routine's own, forever, batches.</summary>
public sealed class RetentionSweeperTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static async Task AddAsync(InMemoryFlowStore store, string id, FlowState state, int daysAgo, string? routine = null, string? parent = null)
    {
        var at = Now.AddDays(-daysAgo);
        var flow = new FlowRecord
        {
            Id = id,
            SpecJson = """{"tasks":["a"]}""",
            State = state,
            Routine = routine,
            ParentFlowId = parent,
            CreatedAt = at,
            UpdatedAt = at,
            NextRunAt = state.IsTerminal() ? null : at,
        };
        await store.CreateFlowAsync(new NewFlow(flow, [new StepRecord { FlowId = id, Key = "a", TaskType = "noop" }], [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
    }

    private static async Task<List<string>> RemainingAsync(InMemoryFlowStore store) =>
        [.. (await store.ListFlowsAsync(new FlowQuery { Limit = 1000 }, CancellationToken.None)).Items.Select(f => f.Id).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Defaults_keep_completed_killed_and_cancelled_30_days_and_failed_90()
    {
        var store = new InMemoryFlowStore();
        await AddAsync(store, "completed-31", FlowState.Completed, 31);
        await AddAsync(store, "completed-29", FlowState.Completed, 29);
        await AddAsync(store, "failed-89", FlowState.Failed, 89);
        await AddAsync(store, "failed-91", FlowState.Failed, 91);
        await AddAsync(store, "killed-31", FlowState.Killed, 31);
        await AddAsync(store, "cancelled-31", FlowState.Cancelled, 31);
        await AddAsync(store, "child-31", FlowState.Completed, 31, parent: "completed-31");
        await AddAsync(store, "waiting-400", FlowState.Waiting, 400);
        var policy = new RetentionPolicy { Pause = TimeSpan.Zero };
        var sweeper = new RetentionSweeper(store, policy, new FixedTime(Now));

        var sweep = await sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal(["completed-29", "failed-89", "waiting-400"], await RemainingAsync(store));
        Assert.Equal(1, sweep.Deleted[FlowState.Completed]);
        Assert.Equal(1, sweep.Deleted[FlowState.Failed]);
        Assert.Equal(4, sweep.Total);
        Assert.Equal(1, sweep.Children);
        Assert.Same(sweep, sweeper.LastSweep);
        Assert.Equal(Now, sweep.At);
    }

    [Fact]
    public async Task A_routine_keeps_its_own_periods_and_forever_keeps_for_good()
    {
        var store = new InMemoryFlowStore();
        await AddAsync(store, "audit-1000", FlowState.Completed, 1000, routine: "audit");
        await AddAsync(store, "audit-failed-5", FlowState.Failed, 5, routine: "audit");
        await AddAsync(store, "noisy-2", FlowState.Completed, 2, routine: "noisy");
        await AddAsync(store, "noisy-failed-20", FlowState.Failed, 20, routine: "noisy");
        await AddAsync(store, "other-2", FlowState.Completed, 2, routine: "other");
        var policy = new RetentionPolicy { Pause = TimeSpan.Zero, Failed = RetentionPolicy.Forever };
        policy.Routines["audit"] = new RetentionPeriods { Completed = RetentionPolicy.Forever, Failed = TimeSpan.FromDays(1) };
        policy.Routines["noisy"] = new RetentionPeriods { Completed = TimeSpan.FromDays(1) }; // FAILED: the global period (forever)

        await new RetentionSweeper(store, policy, new FixedTime(Now)).SweepOnceAsync(CancellationToken.None);

        Assert.Equal(["audit-1000", "noisy-failed-20", "other-2"], await RemainingAsync(store));
    }

    [Fact]
    public async Task Purging_goes_on_in_batches_until_nothing_matches()
    {
        var store = new InMemoryFlowStore();
        for (var i = 0; i < 25; i++)
        {
            await AddAsync(store, $"f{i:D2}", FlowState.Completed, 40);
        }

        var sweeper = new RetentionSweeper(store, new RetentionPolicy { BatchSize = 4, Pause = TimeSpan.Zero }, new FixedTime(Now));
        var (flows, children) = await sweeper.DeleteAllAsync(new FlowRetentionFilter { States = RetentionPolicy.States }, CancellationToken.None);

        Assert.Equal((25L, 0L), (flows, children));
        Assert.Empty(await RemainingAsync(store));
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        var policy = new RetentionPolicy { Completed = TimeSpan.Zero, BatchSize = 0 };
        policy.Routines["r"] = new RetentionPeriods { Failed = TimeSpan.FromDays(-1) };

        var problems = policy.Problems();

        Assert.Contains(problems, p => p.StartsWith("FlowMachine:Retention:Completed must be positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("FlowMachine:Retention:Routines:r:Failed must be positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("FlowMachine:Retention:BatchSize", StringComparison.Ordinal));
        Assert.Empty(new RetentionPolicy().Problems());
    }

    [Fact]
    public void A_policy_copies_to_another_and_sets_one_state()
    {
        var source = new RetentionPolicy { BatchSize = 7, Enabled = false };
        source.Set(FlowState.Failed, RetentionPolicy.Forever);
        source.Routines["r"] = new RetentionPeriods { Killed = TimeSpan.FromDays(2) };
        var target = new RetentionPolicy();
        target.Routines["gone"] = new RetentionPeriods();

        source.CopyTo(target);

        Assert.Equal(RetentionPolicy.Forever, target.Failed);
        Assert.Equal(TimeSpan.FromDays(30), target.Completed);
        Assert.Equal(7, target.BatchSize);
        Assert.False(target.Enabled);
        Assert.Equal(["r"], target.Routines.Keys);
        Assert.Throws<ArgumentOutOfRangeException>(() => target.Set(FlowState.Running, TimeSpan.FromDays(1)));
    }
}
