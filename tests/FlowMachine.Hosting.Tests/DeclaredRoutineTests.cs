using FlowMachine.Routines;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowMachine.Hosting.Tests;

/// <summary>Routines declared with AddRoutine: one version for hosts starting together, a new one only when the spec changed, flows pinned to theirs.</summary>
public sealed class DeclaredRoutineTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static RoutineDefinition Greeting(string text) => Routine.Define("greet").Print("hello", text).Noop("end").Build();

    [Fact]
    public async Task Hosts_starting_together_on_one_sqlite_file_store_one_version_and_only_a_changed_spec_adds_one()
    {
        var db = temp.File("flows.db");
        var hosts = Enumerable.Range(0, 4).Select(_ => Build(db, b => b.AddRoutine(Greeting("hi")))).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            var stored = Assert.Single(await hosts[0].Services.GetRequiredService<IRoutineStore>().ListRoutineVersionsAsync("greet", CancellationToken.None));
            Assert.Equal(Greeting("hi").ToJson(), stored.SpecJson);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
            hosts.ForEach(h => h.Dispose());
        }

        // The same routine again: no new version. A flow started now stays on version 1.
        string pinned;
        using (var same = Build(db, b => b.AddRoutine(Greeting("hi"))))
        {
            await same.StartAsync();
            Assert.Single(await same.Services.GetRequiredService<IRoutineStore>().ListRoutineVersionsAsync("greet", CancellationToken.None));
            pinned = (await same.Services.GetRequiredService<IFlowClient>().StartAsync(new StartFlowRequest { Routine = "greet" })).Flow.Id;
            await same.StopAsync();
        }

        using var changed = Build(db, b => b.AddRoutine(Greeting("hello")));
        await changed.StartAsync();
        var routines = changed.Services.GetRequiredService<IRoutineStore>();
        Assert.Equal([1, 2], (await routines.ListRoutineVersionsAsync("greet", CancellationToken.None)).Select(r => r.Version));
        var client = changed.Services.GetRequiredService<IFlowClient>();
        var fresh = await client.StartAsync(new StartFlowRequest { Routine = "greet" });
        var flows = changed.Services.GetRequiredService<IFlowQueryStore>();
        Assert.Equal(1, (await flows.GetFlowAsync(pinned, CancellationToken.None))!.RoutineVersion);
        Assert.Equal(2, (await flows.GetFlowAsync(fresh.Flow.Id, CancellationToken.None))!.RoutineVersion);
        await changed.StopAsync();
    }

    [Fact]
    public async Task A_routine_naming_a_task_type_the_host_lacks_stops_the_start_naming_the_path()
    {
        using var host = Build(temp.File("flows.db"), b => b.AddRoutine(Routine.Define("r").Step("x", "no.such.task").Build()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("routine 'r' could not be stored", error.Message, StringComparison.Ordinal);
        Assert.Contains("tasks[0].task_type", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(string db, Action<FlowMachineBuilder> routines) => Hosts.Build(db, o => o.RunWorker = false, routines);
}
