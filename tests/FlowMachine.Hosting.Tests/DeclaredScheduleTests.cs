using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Scheduling;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Hosting.Tests;

/// <summary>Schedules declared with AddSchedule: stored once by hosts starting together, updated by a new definition, fired by the hosted worker.</summary>
public sealed class DeclaredScheduleTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_bad_declaration_throws_naming_the_field()
    {
        var services = new ServiceCollection();
        var builder = services.AddFlowMachine();

        var cron = Assert.Throws<ArgumentException>(() => builder.AddSchedule("bad", new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Cron = "0 25 * * *" }));
        var name = Assert.Throws<ArgumentException>(() => builder.AddSchedule("no spaces", new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Every = TimeSpan.FromMinutes(1) }));

        Assert.Contains("cron: the hour field", cron.Message, StringComparison.Ordinal);
        Assert.Contains("letters, digits", name.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hosts_starting_together_store_a_declared_schedule_once_and_a_changed_declaration_updates_it()
    {
        var db = temp.File("flows.db");
        var nightly = new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Cron = "0 2 * * *", TimeZone = "Europe/Berlin" };
        var hosts = Enumerable.Range(0, 3).Select(_ => Build(db, b => b.AddSchedule("nightly", nightly), runWorker: false)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));

            var store = hosts[0].Services.GetRequiredService<IScheduleStore>();
            var stored = Assert.Single(await store.ListSchedulesAsync(CancellationToken.None));
            Assert.Equal("nightly", stored.Name);
            Assert.Contains("\"cron\":\"0 2 * * *\"", stored.DefinitionJson, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
            hosts.ForEach(h => h.Dispose());
        }

        using var changed = Build(db, b => b.AddSchedule("nightly", nightly with { Cron = "0 3 * * *" }), runWorker: false);
        await changed.StartAsync();
        var document = await changed.Services.GetRequiredService<ScheduleVerbs>().GetAsync("nightly");
        Assert.Equal("0 3 * * *", document!.Cron);
        Assert.Equal("every day at 03:00 (Europe/Berlin)", document.Description);
        Assert.Single(await changed.Services.GetRequiredService<ScheduleVerbs>().ListAsync());
        await changed.StopAsync();
    }

    [Fact]
    public async Task The_hosted_worker_fires_a_declared_schedule_each_second_and_the_flows_run()
    {
        using var host = Build(temp.File("flows.db"), b => b.AddSchedule("tick", new ScheduleDefinition { Spec = JsonValue.Create("tasks: [noop]"), Every = TimeSpan.FromSeconds(1) }), runWorker: true);
        await host.StartAsync();
        var flows = host.Services.GetRequiredService<IFlowQueryStore>();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<FlowRecord> fired;
        do
        {
            await Task.Delay(100);
            fired = (await flows.ListFlowsAsync(new FlowQuery { Schedule = "tick", Limit = 100 }, CancellationToken.None)).Items;
        }
        while (fired.Count(f => f.State == FlowState.Completed) < 3 && DateTime.UtcNow < deadline);
        await host.StopAsync();

        Assert.True(fired.Count(f => f.State == FlowState.Completed) >= 3, $"{fired.Count} flows fired, {fired.Count(f => f.State == FlowState.Completed)} completed");
        var slots = fired.Select(f => f.Slot!.Value).Order().ToList();
        Assert.Equal(slots.Count, slots.Distinct().Count());
        Assert.All(slots.Zip(slots.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        Assert.All(fired, f => Assert.Equal(ScheduleKeys.For("tick", f.Slot!.Value), f.Key));
    }

    private static IHost Build(string db, Action<FlowMachineBuilder> schedules, bool runWorker)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var fm = builder.Services.AddFlowMachine(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            o.RunWorker = runWorker;
        }).UseSqlite(db);
        schedules(fm);
        return builder.Build();
    }
}
