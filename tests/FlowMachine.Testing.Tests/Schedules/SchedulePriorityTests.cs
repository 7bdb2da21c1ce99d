using System.Text.Json.Nodes;
using FlowMachine.Scheduling;

namespace FlowMachine.Testing.Tests.Schedules;

/// <summary>A schedule's priority goes to every flow it starts, over the spec's <c>cfg.priority</c>; out of range is refused.</summary>
public sealed class SchedulePriorityTests
{
    [Fact]
    public async Task Every_flow_a_schedule_starts_has_its_priority_else_the_specs()
    {
        await using var host = new FlowTestHost();
        var spec = JsonValue.Create("cfg: { priority: 4 }\ntasks: [noop]");
        await host.AddScheduleAsync("urgent", new ScheduleDefinition { Spec = spec, Cron = "0 * * * *", Priority = -9 });
        await host.AddScheduleAsync("spec-decides", new ScheduleDefinition { Spec = spec, Cron = "0 * * * *" });
        await host.AddScheduleAsync("plain", new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Cron = "0 * * * *" });

        await host.AdvanceAsync(TimeSpan.FromHours(2));

        Assert.Equal([-9, -9], await PrioritiesAsync(host, "urgent"));
        Assert.Equal([4, 4], await PrioritiesAsync(host, "spec-decides"));
        Assert.Equal([0, 0], await PrioritiesAsync(host, "plain"));
    }

    [Fact]
    public void A_priority_out_of_range_is_refused_naming_it()
    {
        var errors = ScheduleRules.Check(new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Cron = "0 * * * *", Priority = 1001 });
        var error = Assert.Single(errors);
        Assert.Equal("priority", error.Path);
        Assert.Contains("-1000 to 1000", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<int>> PrioritiesAsync(FlowTestHost host, string schedule) =>
        [.. (await host.ScheduledFlowsAsync(schedule)).Select(f => f.Priority)];
}
