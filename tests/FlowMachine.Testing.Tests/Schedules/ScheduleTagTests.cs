using System.Text.Json.Nodes;
using FlowMachine.Scheduling;
using FlowMachine.Storage;

namespace FlowMachine.Testing.Tests.Schedules;

/// <summary>A schedule's tags go to every flow it starts, with the spec's own <c>cfg.tags</c>, and find them.</summary>
public sealed class ScheduleTagTests
{
    [Fact]
    public async Task Every_flow_a_schedule_starts_carries_its_tags_and_is_found_by_them()
    {
        await using var host = new FlowTestHost();
        var spec = JsonValue.Create("cfg: { tags: [spec-tag] }\ntasks: [noop]");
        await host.AddScheduleAsync("hourly", new ScheduleDefinition { Spec = spec, Cron = "0 * * * *", Tags = ["nightly", "eu"] });
        await host.AddScheduleAsync("untagged", new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Cron = "0 * * * *" });

        await host.AdvanceAsync(TimeSpan.FromHours(3));

        var flows = await host.ScheduledFlowsAsync("hourly");
        Assert.Equal(3, flows.Count);
        foreach (var flow in flows)
        {
            var stored = await host.Store.GetFlowAsync(flow.Id, default);
            Assert.Equal(["eu", "nightly", "spec-tag"], stored!.Tags.Order(StringComparer.Ordinal));
        }

        var found = await host.Store.ListFlowsAsync(new FlowQuery { Tag = "nightly" }, default);
        Assert.Equal(flows.Select(f => f.Id).Order(StringComparer.Ordinal), found.Items.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await host.ScheduledFlowsAsync("untagged")).Count);
        Assert.All(await host.ScheduledFlowsAsync("untagged"), f => Assert.Empty(f.Tags));
    }
}
