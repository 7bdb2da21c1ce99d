using FlowMachine.Routines;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Postgres.Tests;

/// <summary>Routines declared with AddRoutine on PostgreSQL: hosts starting together store one version; a changed spec adds one.</summary>
public sealed class PostgresDeclaredRoutineTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task Hosts_starting_together_store_one_version_and_a_changed_spec_adds_one()
    {
        var schema = db.NewSchema();
        var first = Routine.Define("greet").Print("hello", "hi").Build();

        // One host makes the schema, so the others race on the routine and not on the migration.
        using (var setup = Build(schema, b => { }))
        {
            await setup.StartAsync();
            await setup.StopAsync();
        }

        var hosts = Enumerable.Range(0, 4).Select(_ => Build(schema, b => b.AddRoutine(first))).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            var stored = Assert.Single(await hosts[0].Services.GetRequiredService<IRoutineStore>().ListRoutineVersionsAsync("greet", CancellationToken.None));
            Assert.Equal(first.ToJson(), stored.SpecJson);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
            hosts.ForEach(h => h.Dispose());
        }

        using var changed = Build(schema, b => b.AddRoutine(Routine.Define("greet").Print("hello", "hello").Build()));
        await changed.StartAsync();
        Assert.Equal([1, 2], (await changed.Services.GetRequiredService<IRoutineStore>().ListRoutineVersionsAsync("greet", CancellationToken.None)).Select(r => r.Version));
        await changed.StopAsync();
    }

    private IHost Build(string schema, Action<FlowMachineBuilder> routines)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var fm = builder.Services.AddFlowMachine(o => o.RunWorker = false).UsePostgres(db.ConnectionString, o => o.Schema = schema);
        routines(fm);
        return builder.Build();
    }
}
