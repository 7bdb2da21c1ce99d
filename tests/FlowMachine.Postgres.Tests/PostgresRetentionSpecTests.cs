using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// A retention batch deletes a stored spec with its last flow and keeps one other flows still name, also when two
/// deleters take the last flows of one spec at the same time.
/// </summary>
public sealed class PostgresRetentionSpecTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly FlowRetentionFilter Completed = new() { States = [FlowState.Completed] };

    [PostgresFact]
    public async Task A_spec_goes_with_its_last_flow_and_stays_while_another_names_it()
    {
        var schema = db.NewSchema();
        await using var store = await OpenAsync(schema);
        await AddAsync(store, "shared-1", """{"tasks":["a"]}""", 1);
        await AddAsync(store, "own-1", """{"tasks":["b"]}""", 2);
        await AddAsync(store, "shared-2", """{"tasks":["a"]}""", 3, FlowState.Waiting);

        Assert.Equal(2, (await store.DeleteFlowsAsync(Completed, 10, default)).Deleted);
        Assert.Equal(["""{"tasks":["a"]}"""], await SpecsAsync(schema));

        await FinishAsync(schema, "shared-2");
        Assert.Equal(1, (await store.DeleteFlowsAsync(Completed, 10, default)).Deleted);
        Assert.Empty(await SpecsAsync(schema));
    }

    [PostgresFact]
    public async Task Two_deleters_taking_the_last_flows_of_a_spec_at_once_leave_no_spec_behind()
    {
        var schema = db.NewSchema();
        await using var one = await OpenAsync(schema);
        await using var two = await OpenAsync(schema);
        for (var round = 0; round < 40; round++)
        {
            // Two flows of a spec of their own; each store deletes one (batches of one, the other's locked flow skipped), at once.
            var spec = $$"""{"tasks":["a"],"round":{{round}}}""";
            await AddAsync(one, $"r{round:D2}a", spec, round * 2);
            await AddAsync(one, $"r{round:D2}b", spec, (round * 2) + 1);

            var deleted = await Task.WhenAll(
                Task.Run(async () => (await one.DeleteFlowsAsync(Completed, 1, default)).Deleted),
                Task.Run(async () => (await two.DeleteFlowsAsync(Completed, 1, default)).Deleted));
            deleted = [.. deleted, (await one.DeleteFlowsAsync(Completed, 10, default)).Deleted];

            Assert.Equal(2, deleted.Sum());
            Assert.Empty(await SpecsAsync(schema));
        }
    }

    private async Task<PostgresFlowStore> OpenAsync(string schema)
    {
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(default);
        return store;
    }

    private static async Task AddAsync(PostgresFlowStore store, string id, string spec, int ms, FlowState state = FlowState.Completed)
    {
        var at = T0.AddMilliseconds(ms);
        var flow = new FlowRecord { Id = id, SpecJson = spec, State = state, CreatedAt = at, UpdatedAt = at };
        var step = new StepRecord { FlowId = id, Key = "a", TaskType = "noop", State = StepState.Completed, Attempts = 1 };
        await store.CreateFlowAsync(new NewFlow(flow, [step], [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), default);
    }

    private async Task FinishAsync(string schema, string id) => await ExecuteAsync(schema, $"UPDATE flows SET state = 'COMPLETED' WHERE id = '{id}'");

    private async Task<List<string>> SpecsAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT spec_json FROM \"{schema}\".specs ORDER BY hash", connection);
        var specs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            specs.Add(reader.GetString(0));
        }

        return specs;
    }

    private async Task ExecuteAsync(string schema, string sql)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{schema}\"; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }
}
