using System.Text.Json.Nodes;
using FlowMachine.Retention;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Core.Tests.Retention;

/// <summary>
/// A sweep pauses after each batch in proportion to how long it took (the duty cycle), less once it has run past its
/// interval; a purge pauses only <c>Pause</c>.
/// </summary>
public sealed class RetentionPacingTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A clock whose timestamps move only when a batch "takes" time, and that records every pause asked of it (each fires at once).</summary>
    private sealed class PacingTime : TimeProvider
    {
        private long ticks;

        public List<TimeSpan> Pauses { get; } = [];

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref ticks);

        public override DateTimeOffset GetUtcNow() => Now;

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Pauses)
            {
                Pauses.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A store each of whose batches takes 100 ms on <see cref="PacingTime"/>.</summary>
    private sealed class SlowBatches(InMemoryFlowStore inner, PacingTime time) : IFlowRetentionStore
    {
        public async ValueTask<RetentionBatch> DeleteFlowsAsync(FlowRetentionFilter filter, int batchSize, CancellationToken cancellationToken)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return await inner.DeleteFlowsAsync(filter, batchSize, cancellationToken);
        }

        public ValueTask<long> CountDeletableFlowsAsync(FlowRetentionFilter filter, CancellationToken cancellationToken) => inner.CountDeletableFlowsAsync(filter, cancellationToken);

        public ValueTask<FlowDeleteOutcome> DeleteFlowAsync(string flowId, CancellationToken cancellationToken) => inner.DeleteFlowAsync(flowId, cancellationToken);

        public ValueTask<FlowStorageStats> GetStorageStatsAsync(CancellationToken cancellationToken) => inner.GetStorageStatsAsync(cancellationToken);

        public ValueTask ReclaimSpaceAsync(CancellationToken cancellationToken) => inner.ReclaimSpaceAsync(cancellationToken);
    }

    private static async Task<InMemoryFlowStore> OldFlowsAsync(int count)
    {
        var store = new InMemoryFlowStore();
        var at = Now.AddDays(-40);
        for (var i = 0; i < count; i++)
        {
            var id = $"f{i:D2}";
            var flow = new FlowRecord { Id = id, SpecJson = """{"tasks":["a"]}""", State = FlowState.Completed, CreatedAt = at, UpdatedAt = at };
            await store.CreateFlowAsync(new NewFlow(flow, [new StepRecord { FlowId = id, Key = "a", TaskType = "noop" }], [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
        }

        return store;
    }

    [Fact]
    public async Task A_sweep_pauses_so_that_deleting_takes_its_duty_cycle_of_the_time()
    {
        var time = new PacingTime();
        var store = await OldFlowsAsync(10);
        var policy = new RetentionPolicy { BatchSize = 4, DutyCycle = 0.2, Pause = TimeSpan.FromMilliseconds(50) };

        var sweep = await new RetentionSweeper(new SlowBatches(store, time), policy, time).SweepOnceAsync(CancellationToken.None);

        Assert.Equal(10, sweep.Total);
        // Batches of 4, 4 and 2: a pause after each full one, 100 ms × 0.8 / 0.2.
        Assert.Equal([TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(400)], time.Pauses);
    }

    [Fact]
    public async Task A_sweep_that_runs_past_its_interval_has_fallen_behind_and_pauses_less_for_each_interval()
    {
        var time = new PacingTime();
        var store = await OldFlowsAsync(30);
        var policy = new RetentionPolicy { BatchSize = 1, DutyCycle = 0.1, Pause = TimeSpan.Zero, Interval = TimeSpan.FromSeconds(1) };

        var sweep = await new RetentionSweeper(new SlowBatches(store, time), policy, time).SweepOnceAsync(CancellationToken.None);

        Assert.Equal(30, sweep.Total);
        // Batches of 100 ms: the first nine end within the first interval (duty cycle 0.1: 900 ms pauses), the next ten
        // within the second (0.2: 400 ms), the next ten within the third (0.4: 150 ms), the last after three (0.8: 25 ms).
        TimeSpan[] expected =
        [
            .. Enumerable.Repeat(TimeSpan.FromMilliseconds(900), 9),
            .. Enumerable.Repeat(TimeSpan.FromMilliseconds(400), 10),
            .. Enumerable.Repeat(TimeSpan.FromMilliseconds(150), 10),
            TimeSpan.FromMilliseconds(25),
        ];
        Assert.Equal(expected, time.Pauses);
    }

    [Theory]
    [InlineData(0.1, 0, 0.1)]
    [InlineData(0.1, 9, 0.1)]
    [InlineData(0.1, 10, 0.2)]
    [InlineData(0.1, 25, 0.4)]
    [InlineData(0.1, 30, 0.8)]
    [InlineData(0.1, 40, 1.0)]
    [InlineData(0.1, 100_000, 1.0)]
    [InlineData(0.5, 12, 1.0)]
    public void The_duty_cycle_doubles_for_every_whole_interval_a_sweep_has_run(double dutyCycle, int minutes, double expected)
    {
        var policy = new RetentionPolicy { DutyCycle = dutyCycle, Interval = TimeSpan.FromMinutes(10) };

        Assert.Equal(expected, policy.DutyCycleAfter(TimeSpan.FromMinutes(minutes)), precision: 10);
    }

    [Fact]
    public async Task A_purge_pauses_only_the_policys_pause()
    {
        var time = new PacingTime();
        var store = await OldFlowsAsync(10);
        var policy = new RetentionPolicy { BatchSize = 4, DutyCycle = 0.2, Pause = TimeSpan.FromMilliseconds(50) };

        var (flows, _) = await new RetentionSweeper(new SlowBatches(store, time), policy, time).DeleteAllAsync(new FlowRetentionFilter { States = [FlowState.Completed] }, CancellationToken.None);

        Assert.Equal(10, flows);
        Assert.Equal([TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)], time.Pauses);
    }

    [Theory]
    [InlineData(0.1, 100, 900)]
    [InlineData(0.5, 100, 100)]
    [InlineData(1.0, 100, 50)]
    [InlineData(0.1, 1, 50)]
    public void The_pause_after_a_batch_is_its_time_scaled_by_the_duty_cycle_and_never_below_pause(double dutyCycle, int tookMs, int pauseMs)
    {
        var policy = new RetentionPolicy { DutyCycle = dutyCycle, Pause = TimeSpan.FromMilliseconds(50) };

        Assert.Equal(TimeSpan.FromMilliseconds(pauseMs), policy.PauseAfter(TimeSpan.FromMilliseconds(tookMs)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_duty_cycle_outside_0_to_1_is_named(double dutyCycle)
    {
        var problems = new RetentionPolicy { DutyCycle = dutyCycle }.Problems();

        Assert.Contains(problems, p => p.StartsWith("FlowMachine:Retention:DutyCycle", StringComparison.Ordinal));
    }

    [Fact]
    public void The_duty_cycle_is_copied_with_the_policy()
    {
        var target = new RetentionPolicy();

        new RetentionPolicy { DutyCycle = 0.25 }.CopyTo(target);

        Assert.Equal(0.25, target.DutyCycle);
    }
}
