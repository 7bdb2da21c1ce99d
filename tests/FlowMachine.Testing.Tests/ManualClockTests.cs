namespace FlowMachine.Testing.Tests;

public sealed class ManualClockTests
{
    [Fact]
    public void Timers_fire_in_due_order_with_the_clock_at_their_due_time()
    {
        var clock = new ManualClock();
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add($"late@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add($"early@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["early@02", "late@05"], fired);
        Assert.Equal(ManualClock.DefaultStart.AddSeconds(10), clock.GetUtcNow());
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_passed()
    {
        var clock = new ManualClock();
        var count = 0;
        using var timer = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(3, count);
    }

    [Fact]
    public void A_disposed_or_changed_timer_does_not_fire()
    {
        var clock = new ManualClock();
        var count = 0;
        var disposed = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var changed = clock.CreateTimer(_ => count += 10, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        changed.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, count);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public async Task Task_Delay_on_the_clock_completes_when_the_clock_passes_it()
    {
        var clock = new ManualClock();
        var delay = Task.Delay(TimeSpan.FromHours(1), clock);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_clock_never_goes_back()
    {
        var clock = new ManualClock(new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero));

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(new DateTimeOffset(2030, 5, 1, 11, 0, 0, TimeSpan.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void SetBack_moves_the_clock_back_and_its_timers_fire_once_it_passes_them_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(10), Timeout.InfiniteTimeSpan);

        clock.SetBack(TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2030, 5, 1, 11, 0, 0, TimeSpan.Zero), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(69));
        Assert.Equal(0, fired);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, fired);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetBack(TimeSpan.FromSeconds(-1)));
    }
}
