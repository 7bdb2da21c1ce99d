using System.Text.Json.Nodes;
using FlowMachine.Scheduling;

namespace FlowMachine.Testing.Tests.Schedules;

/// <summary>Schedules fire exactly once per slot as the manual clock passes, in UTC and across DST changes.</summary>
public sealed class ScheduleSlotTests
{
    private static readonly JsonNode Quick = JsonValue.Create("tasks: [noop]");

    [Fact]
    public async Task An_hourly_schedule_advanced_one_week_starts_168_flows_one_per_slot()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("hourly", new ScheduleDefinition { Spec = Quick, Cron = "0 * * * *" });

        await host.AdvanceAsync(TimeSpan.FromDays(7));

        var flows = await host.ScheduledFlowsAsync("hourly");
        Assert.Equal(168, flows.Count);
        var start = ManualClock.DefaultStart;
        Assert.Equal(Enumerable.Range(1, 168).Select(h => start.AddHours(h)), flows.Select(f => f.Slot!.Value));
        Assert.All(flows, f => Assert.Equal(FlowState.Completed, f.State));
        Assert.All(flows, f => Assert.Equal(ScheduleKeys.For("hourly", f.Slot!.Value), f.Key));
        Assert.Equal(168, flows.Select(f => f.Key).Distinct().Count());
    }

    [Fact]
    public async Task Every_second_for_ten_minutes_starts_600_flows_each_at_its_slot()
    {
        await using var host = new FlowTestHost();
        await host.AddScheduleAsync("tick", new ScheduleDefinition { Spec = Quick, Every = TimeSpan.FromSeconds(1) });

        await host.AdvanceAsync(TimeSpan.FromMinutes(10));

        var flows = await host.ScheduledFlowsAsync("tick");
        Assert.Equal(600, flows.Count);
        Assert.Equal(Enumerable.Range(1, 600).Select(s => ManualClock.DefaultStart.AddSeconds(s)), flows.Select(f => f.Slot!.Value));
        Assert.All(flows, f => Assert.Equal(f.Slot, f.CreatedAt));
    }

    [Theory]
    [InlineData("Europe/Berlin", "2027-03-26T12:00:00Z", "2027-03-28")]
    [InlineData("America/New_York", "2027-03-12T12:00:00Z", "2027-03-14")]
    public async Task A_daily_0230_slot_on_a_spring_forward_day_fires_once(string zone, string from, string shiftDay)
    {
        var flows = await DailyAsync(zone, DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days: 4);

        var local = flows.Select(f => TimeZoneInfo.ConvertTime(f.Slot!.Value, TimeZoneInfo.FindSystemTimeZoneById(zone))).ToList();
        Assert.Equal(4, flows.Count);
        Assert.Equal(4, local.Select(l => l.Date).Distinct().Count());

        // 02:30 does not exist that night: the slot fires once, at the shift (03:00 local).
        var shifted = Assert.Single(local, l => l.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) == shiftDay);
        Assert.Equal(new TimeSpan(3, 0, 0), shifted.TimeOfDay);
        Assert.All(local.Where(l => l != shifted), l => Assert.Equal(new TimeSpan(2, 30, 0), l.TimeOfDay));
    }

    [Theory]
    [InlineData("Europe/Berlin", "2027-10-29T12:00:00Z")]
    [InlineData("America/New_York", "2027-11-05T12:00:00Z")]
    public async Task A_daily_0130_slot_on_a_fall_back_day_fires_once(string zone, string from)
    {
        // 01:30 (New York) and 02:30 (Berlin) happen twice on the fall-back night: the slot still fires once.
        var at = zone == "Europe/Berlin" ? "30 2 * * *" : "30 1 * * *";
        var flows = await DailyAsync(zone, DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days: 4, at);

        var local = flows.Select(f => TimeZoneInfo.ConvertTime(f.Slot!.Value, TimeZoneInfo.FindSystemTimeZoneById(zone))).ToList();
        Assert.Equal(4, flows.Count);
        Assert.Equal(4, local.Select(l => l.Date).Distinct().Count());
        Assert.All(local, l => Assert.Equal(zone == "Europe/Berlin" ? new TimeSpan(2, 30, 0) : new TimeSpan(1, 30, 0), l.TimeOfDay));
    }

    [Fact]
    public async Task An_end_time_stops_the_schedule_and_start_time_holds_it_back()
    {
        await using var host = new FlowTestHost();
        var start = ManualClock.DefaultStart;
        await host.AddScheduleAsync("window", new ScheduleDefinition
        {
            Spec = Quick,
            Every = TimeSpan.FromHours(1),
            StartAt = start.AddHours(2),
            EndAt = start.AddHours(5).AddMinutes(30),
        });

        await host.AdvanceAsync(TimeSpan.FromHours(10));

        var flows = await host.ScheduledFlowsAsync("window");
        Assert.Equal([start.AddHours(2), start.AddHours(3), start.AddHours(4), start.AddHours(5)], flows.Select(f => f.Slot!.Value));
        Assert.Empty((await host.Schedules.GetAsync("window"))!.NextFireTimes);
    }

    [Fact]
    public async Task A_six_field_cron_fires_on_seconds_and_the_document_shows_the_next_ten_fire_times()
    {
        await using var host = new FlowTestHost();
        var added = await host.AddScheduleAsync("fifteen", new ScheduleDefinition { Spec = Quick, Cron = "*/15 * * * * *" });

        Assert.Equal(Enumerable.Range(1, 10).Select(i => ManualClock.DefaultStart.AddSeconds(15 * i)), added.NextFireTimes);
        Assert.Equal("every 15 seconds", added.Description);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(4, (await host.ScheduledFlowsAsync("fifteen")).Count);
    }

    private static async Task<IReadOnlyList<Storage.FlowRecord>> DailyAsync(string zone, DateTimeOffset from, int days, string cron = "30 2 * * *")
    {
        await using var host = new FlowTestHost(new FlowTestHostOptions { Start = from });
        await host.AddScheduleAsync("daily", new ScheduleDefinition { Spec = Quick, Cron = cron, TimeZone = zone });
        await host.AdvanceAsync(TimeSpan.FromDays(days));
        return await host.ScheduledFlowsAsync("daily");
    }
}
