using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage.InMemory;
using FlowMachine.Testing;
using FlowMachine.Tests.Support;

namespace FlowMachine.Core.Tests.Engine;

/// <summary>
/// The deadline of a running step is a timer armed for a span. A clock that moves on between the engine's reading
/// of it and the arming (a test's clock advanced by another thread) must not leave that timer late.
/// </summary>
public sealed class DeadlineClockMoveTests
{
    [Fact]
    public async Task A_clock_that_moves_while_the_deadline_timer_is_armed_does_not_delay_the_deadline()
    {
        var clock = new ManualClock();
        var jumpy = new JumpBeforeTimer(clock, TimeSpan.FromSeconds(30));
        var registry = new TaskRegistry().AddBuiltIns().RegisterAssembly(typeof(CountTask).Assembly);
        await using var engine = new FlowEngine(new InMemoryFlowStore(), registry, new FlowEngineOptions { Time = jumpy, FollowStoreClock = false });
        var started = await engine.StartAsync(new StartFlowRequest
        {
            SpecText = """
                cfg: { deadline: 30s }
                tasks: [{ key: slow, task_type: t.gate }]
                """,
        });

        var view = await engine.RunAsync(started.Flow.Id).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(jumpy.Jumped); // the clock reached the deadline between the reading and the timer
        Assert.Equal((FlowState.Failed, "deadline exceeded"), (view.State, view.Flow.Error));
        await GateTask.CancelledAsync(started.Flow.Id).WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>A clock that, the first time a timer is armed for <c>span</c>, first moves on by that span.</summary>
    private sealed class JumpBeforeTimer(ManualClock clock, TimeSpan span) : TimeProvider
    {
        public bool Jumped { get; private set; }

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (!Jumped && dueTime == span)
            {
                Jumped = true;
                clock.Advance(span);
            }

            return clock.CreateTimer(callback, state, dueTime, period);
        }
    }
}
