using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Scheduling;

namespace FlowMachine.Testing.Tests.Schedules;

/// <summary>The overlap and catch-up policies, pause and resume, trigger and backfill, with the manual clock.</summary>
public sealed class SchedulePolicyTests
{
    private static readonly JsonNode Waits = JsonValue.Create("tasks: [wait]");
    private static readonly JsonNode Quick = JsonValue.Create("tasks: [noop]");
    private static readonly DateTimeOffset T0 = ManualClock.DefaultStart;
    private static readonly Caller Admin = new("admin", IsAdmin: true);

    [Fact]
    public async Task Skip_starts_nothing_while_the_previous_flow_runs()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("s", new ScheduleDefinition { Spec = Waits, Every = TimeSpan.FromMinutes(1) });

        await host.AdvanceAsync(TimeSpan.FromMinutes(3));
        var first = Assert.Single(await host.ScheduledFlowsAsync("s"));
        Assert.Equal(T0.AddMinutes(1), first.Slot);

        await host.PushAsync(first.Id, "done");
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        var flows = await host.ScheduledFlowsAsync("s");
        Assert.Equal([T0.AddMinutes(1), T0.AddMinutes(4)], flows.Select(f => f.Slot!.Value));
    }

    [Fact]
    public async Task Buffer_keeps_one_slot_waiting_and_starts_it_when_the_previous_flow_finishes()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("b", new ScheduleDefinition { Spec = Waits, Every = TimeSpan.FromMinutes(1), Overlap = ScheduleOverlap.Buffer });

        await host.AdvanceAsync(TimeSpan.FromMinutes(3).Add(TimeSpan.FromSeconds(30)));
        var first = Assert.Single(await host.ScheduledFlowsAsync("b"));
        Assert.Equal(T0.AddMinutes(2), (await host.Schedules.GetAsync("b"))!.BufferedSlot);

        await host.PushAsync(first.Id, "done");

        // The waiting slot (minute 2) starts at once; minute 3 was dropped (at most one waits).
        var flows = await host.ScheduledFlowsAsync("b");
        Assert.Equal([T0.AddMinutes(1), T0.AddMinutes(2)], flows.Select(f => f.Slot!.Value));
        Assert.Equal(host.Clock.GetUtcNow(), flows[1].CreatedAt);
        Assert.Null((await host.Schedules.GetAsync("b"))!.BufferedSlot);
    }

    [Fact]
    public async Task Allow_always_starts()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("a", new ScheduleDefinition { Spec = Waits, Every = TimeSpan.FromMinutes(1), Overlap = ScheduleOverlap.Allow });

        await host.AdvanceAsync(TimeSpan.FromMinutes(3));

        var flows = await host.ScheduledFlowsAsync("a");
        Assert.Equal(3, flows.Count);
        Assert.All(flows, f => Assert.Equal(FlowState.Waiting, f.State));
    }

    [Fact]
    public async Task Cancel_cancels_the_previous_flow_then_starts()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("c", new ScheduleDefinition { Spec = Waits, Every = TimeSpan.FromMinutes(1), Overlap = ScheduleOverlap.Cancel });

        await host.AdvanceAsync(TimeSpan.FromMinutes(2));

        var flows = await host.ScheduledFlowsAsync("c");
        Assert.Equal([FlowState.Cancelled, FlowState.Waiting], flows.Select(f => f.State));
        Assert.Contains("overlap policy cancel", flows[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_three_hours_down_only_the_latest_missed_slot_fires_by_default()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("h", new ScheduleDefinition { Spec = Quick, Cron = "0 * * * *" });

        host.Clock.Advance(TimeSpan.FromHours(3).Add(TimeSpan.FromMinutes(10))); // nothing ran: the host was down
        await host.RunDueAsync();

        var flow = Assert.Single(await host.ScheduledFlowsAsync("h"));
        Assert.Equal(T0.AddHours(3), flow.Slot);
        Assert.Equal(T0.AddHours(4), (await host.Schedules.GetAsync("h"))!.NextFireTimes[0]);
    }

    [Fact]
    public async Task After_three_hours_down_a_catch_up_window_fires_the_missed_slots_inside_it_oldest_first_up_to_max()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("w", new ScheduleDefinition { Spec = Quick, Cron = "0 * * * *", Catchup = new ScheduleCatchup(TimeSpan.FromHours(2), 10) });
        await host.AddScheduleAsync("m", new ScheduleDefinition { Spec = Quick, Cron = "0 * * * *", Catchup = new ScheduleCatchup(TimeSpan.FromHours(5), 2) });

        host.Clock.Advance(TimeSpan.FromHours(3).Add(TimeSpan.FromMinutes(10)));
        await host.RunDueAsync();

        Assert.Equal([T0.AddHours(2), T0.AddHours(3)], (await host.ScheduledFlowsAsync("w")).Select(f => f.Slot!.Value));
        Assert.Equal([T0.AddHours(2), T0.AddHours(3)], (await host.ScheduledFlowsAsync("m")).Select(f => f.Slot!.Value));
    }

    [Fact]
    public async Task A_short_outage_loses_no_slot_even_with_the_skip_policy()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("tick", new ScheduleDefinition { Spec = Quick, Every = TimeSpan.FromSeconds(1) });

        host.Clock.Advance(TimeSpan.FromSeconds(30)); // under the misfire threshold: late, not missed
        await host.RunDueAsync();

        Assert.Equal(Enumerable.Range(1, 30).Select(s => T0.AddSeconds(s)), (await host.ScheduledFlowsAsync("tick")).Select(f => f.Slot!.Value));
    }

    [Fact]
    public async Task Paused_schedules_fire_nothing_and_resume_from_the_next_slot()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("p", new ScheduleDefinition { Spec = Quick, Cron = "0 * * * *" });

        var paused = await host.Schedules.PauseAsync("p", "maintenance", Admin);
        Assert.True(paused.Schedule!.Paused);
        Assert.Equal("maintenance", paused.Schedule.Note);
        Assert.Empty(paused.Schedule.NextFireTimes);
        await host.AdvanceAsync(TimeSpan.FromHours(3).Add(TimeSpan.FromMinutes(30)));
        Assert.Empty(await host.ScheduledFlowsAsync("p"));

        await host.Schedules.ResumeAsync("p", Admin);
        await host.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal([T0.AddHours(4)], (await host.ScheduledFlowsAsync("p")).Select(f => f.Slot!.Value));
    }

    [Fact]
    public async Task Trigger_starts_one_flow_now_and_keeps_the_next_fire_time()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("t", new ScheduleDefinition { Spec = Waits, Cron = "0 * * * *" });
        host.Clock.Advance(TimeSpan.FromMinutes(5));

        var triggered = await host.Schedules.TriggerAsync("t", Admin);

        Assert.Equal(ScheduleOutcome.Ok, triggered.Outcome);
        var flow = Assert.Single(triggered.Started!.Created);
        Assert.Equal(T0.AddMinutes(5), flow.Slot);
        Assert.Equal(T0.AddHours(1), triggered.Schedule!.NextFireTimes[0]);
        Assert.Equal(flow.Id, triggered.Schedule.LastFlowId);
    }

    [Fact]
    public async Task Backfill_starts_one_flow_per_slot_in_the_range_once()
    {
        await using var host = new FlowTestHost(new FlowTestHostOptions { Start = T0.AddDays(1) });
        await host.AddScheduleAsync("b", new ScheduleDefinition { Spec = Quick, Cron = "0 * * * *", Overlap = ScheduleOverlap.Allow });

        var first = await host.Schedules.BackfillAsync("b", "2026-01-01T01:00:00Z", "2026-01-01T05:00:00Z", Admin);
        var again = await host.Schedules.BackfillAsync("b", "2026-01-01T03:00:00Z", "2026-01-01T06:00:00Z", Admin);
        await host.RunDueAsync();

        Assert.Equal(5, first.Started!.Created.Count);
        Assert.Single(again.Started!.Created); // 03:00–05:00 were started already: only 06:00 is new
        var flows = await host.ScheduledFlowsAsync("b");
        Assert.Equal(Enumerable.Range(1, 6).Select(h => T0.AddHours(h)), flows.Select(f => f.Slot!.Value));
        Assert.All(flows, f => Assert.Equal(FlowState.Completed, f.State));
    }

    [Fact]
    public async Task Backfill_respects_the_overlap_policy_of_the_flow_running_before_it()
    {
        await using var host = new FlowTestHost(new FlowTestHostOptions { Start = T0.AddDays(1) });
        await host.AddScheduleAsync("s", new ScheduleDefinition { Spec = Waits, Cron = "0 * * * *" });
        await host.AddScheduleAsync("c", new ScheduleDefinition { Spec = Waits, Cron = "0 * * * *", Overlap = ScheduleOverlap.Cancel });
        var running = (await host.Schedules.TriggerAsync("s", Admin)).Started!.Created[0];
        var cancelled = (await host.Schedules.TriggerAsync("c", Admin)).Started!.Created[0];

        var skip = await host.Schedules.BackfillAsync("s", "2026-01-01T01:00:00Z", "2026-01-01T05:00:00Z", Admin);
        var cancel = await host.Schedules.BackfillAsync("c", "2026-01-01T01:00:00Z", "2026-01-01T05:00:00Z", Admin);
        await host.RunDueAsync();

        Assert.Empty(skip.Started!.Created);
        Assert.Equal(5, skip.Started.Skipped);
        Assert.Equal(FlowState.Waiting, (await host.GetAsync(running.Id)).Flow.State);
        Assert.Equal(T0.AddHours(5), Assert.Single(cancel.Started!.Created).Slot);
        Assert.Equal(FlowState.Cancelled, (await host.GetAsync(cancelled.Id)).Flow.State);
    }
}
