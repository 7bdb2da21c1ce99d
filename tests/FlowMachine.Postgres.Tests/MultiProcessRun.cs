using System.Diagnostics;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.TestHost;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>Starts many flows of <c>record.Row</c> steps on a database and reads back what ran.</summary>
internal sealed class MultiProcessRun : IAsyncDisposable
{
    private MultiProcessRun(string connectionString, PostgresFlowStore store)
    {
        ConnectionString = connectionString;
        Store = store;
    }

    public string ConnectionString { get; }

    public PostgresFlowStore Store { get; }

    public static async Task<MultiProcessRun> CreateAsync(string connectionString)
    {
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = connectionString });
        await store.InitializeAsync(default);

        // Made here so that workers starting at once never race to create it.
        await using var cmd = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS executions (flow_id text NOT NULL, step_key text NOT NULL, attempt integer NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT now())",
            new NpgsqlConnection(connectionString));
        await cmd.Connection!.OpenAsync();
        await cmd.ExecuteNonQueryAsync();
        await cmd.Connection.DisposeAsync();
        return new MultiProcessRun(connectionString, store);
    }

    /// <summary>A linear spec of <paramref name="steps"/> record.Row steps sleeping 0 or 1 ms (or <paramref name="ms"/>).</summary>
    public static string Spec(int steps, int? ms = null) =>
        "tasks: [" + string.Join(", ", Enumerable.Range(0, steps).Select(i => $"{{ key: s{i}, task_type: record.Row, task_params: {{ ms: {ms ?? i % 2} }} }}")) + "]";

    /// <summary>Starts <paramref name="count"/> flows, eight at a time.</summary>
    public async Task<List<string>> StartFlowsAsync(int count, string spec)
    {
        var registry = new TaskRegistry().AddBuiltIns().Register<RecordRowTask>();
        await using var engine = new FlowEngine(Store, registry);
        var ids = new string[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ids[i] = (await engine.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id;
            }
        })));
        return [.. ids];
    }

    public async Task<long> CountAsync(FlowState state) => (await Store.CountFlowsByStateAsync(null, default))[state];

    public Task<long> ExecutionsAsync() => ReadAgainOnTransientAsync(async () =>
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM executions", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    });

    /// <summary>Every recorded execution, grouped by (flow, step): each attempt with the worker that ran it.</summary>
    public Task<Dictionary<(string Flow, string Step), List<(int Attempt, string Worker)>>> ReadExecutionsAsync() => ReadAgainOnTransientAsync(ReadAllExecutionsAsync);

    /// <summary>
    /// A read of the test's own, made again after a transient error (a server restart cuts every connection, and
    /// a connection the pool kept across one fails at its next use), as the store and the recording task do.
    /// </summary>
    private static async Task<T> ReadAgainOnTransientAsync<T>(Func<Task<T>> read)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await read();
            }
            catch (Exception error) when (PostgresRetry.IsTransient(error) && DateTime.UtcNow < giveUp)
            {
                NpgsqlConnection.ClearAllPools();
                await Task.Delay(200);
            }
        }
    }

    private async Task<Dictionary<(string Flow, string Step), List<(int Attempt, string Worker)>>> ReadAllExecutionsAsync()
    {
        var runs = new Dictionary<(string, string), List<(int, string)>>();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT flow_id, step_key, attempt, worker FROM executions", connection);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var key = (r.GetString(0), r.GetString(1));
            if (!runs.TryGetValue(key, out var list))
            {
                list = [];
                runs.Add(key, list);
            }

            list.Add((r.GetInt32(2), r.GetString(3)));
        }

        return runs;
    }

    /// <summary>Waits until every flow is COMPLETED, failing early when one ends otherwise.</summary>
    public async Task<TimeSpan> WaitForAllCompletedAsync(int flows, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var counts = await Store.CountFlowsByStateAsync(null, default);
            if (counts[FlowState.Completed] == flows)
            {
                return clock.Elapsed;
            }

            var bad = counts[FlowState.Failed] + counts[FlowState.Killed] + counts[FlowState.Cancelled];
            Assert.True(bad == 0, $"{bad} flows ended without completing: " + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
            Assert.True(clock.Elapsed < timeout, $"gave up after {timeout.TotalSeconds} s: " + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
            await Task.Delay(200);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"gave up waiting for {what} after {seconds} s");
            await Task.Delay(50);
        }
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
