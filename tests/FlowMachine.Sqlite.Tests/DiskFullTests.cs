using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.Testing;
using FlowMachine.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite.Tests;

/// <summary>A database that cannot grow: clear errors, nothing corrupted, and work goes on once there is room.</summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_full_database_refuses_writes_clearly_keeps_what_it_has_and_goes_on_once_there_is_room()
    {
        var path = temp.PathOf("full.db");
        var time = new ManualClock();
        var registry = new TaskRegistry().AddBuiltIns();
        var spec = "tasks: [{ key: big, task_type: print, task_params: { msg: '" + new string('x', 4000) + "' } }, noop]";
        var ids = new List<string>();
        IOException? refused = null;

        await using (var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path, MaxDatabaseBytes = 400 * 1024 }))
        {
            await store.InitializeAsync(default);
            await using var engine = new FlowEngine(store, registry, new FlowEngineOptions { Time = time });
            var faults = new List<Exception>();
            engine.Faulted += (_, ex) => faults.Add(ex);
            for (var i = 0; i < 1000 && refused is null; i++)
            {
                try
                {
                    var id = (await engine.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id;
                    ids.Add(id);
                    await engine.RunAsync(id);
                    refused = faults.OfType<IOException>().FirstOrDefault();
                }
                catch (IOException ex)
                {
                    refused = ex;
                }
            }

            Assert.NotNull(refused);
            Assert.Contains("disk is full", refused.Message);
            Assert.Contains(path, refused.Message);
            Assert.True(ids.Count > 5, $"only {ids.Count} flows fitted");
        }

        using (var check = new SqliteConnection($"Data Source={path}"))
        {
            check.Open();
            using var command = check.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", command.ExecuteScalar());
        }

        // Room again: the same file, no limit. Every flow finishes, and new ones start.
        await using (var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path }))
        {
            await store.InitializeAsync(default);
            time.Advance(TimeSpan.FromMinutes(5)); // leases held when the disk filled have expired
            await using var engine = new FlowEngine(store, registry, new FlowEngineOptions { Time = time });
            foreach (var id in ids)
            {
                var view = await engine.RunAsync(id);
                Assert.Equal(FlowState.Completed, view.State);
                Assert.All(view.Steps, s => Assert.Equal(StepState.Completed, s.State));
            }

            var fresh = await engine.StartAsync(new StartFlowRequest { SpecText = spec });
            Assert.Equal(FlowState.Completed, (await engine.RunAsync(fresh.Flow.Id)).State);
        }
    }
}
