using System.Globalization;
using FlowMachine.Engine;
using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// Flows started on a PostgreSQL database that worker processes run, and the wait until they completed. Flows
/// meant to be measured wait on a durable timer (<see cref="Gated"/>) that fires for all of them at once when
/// creating is done, so that creating them takes no CPU from running them.
/// </summary>
internal sealed class PgFlowSet(FlowEngine engine, NpgsqlConnection count, string workers)
{
    /// <summary>Starts <paramref name="n"/> flows, 32 at a time; returns their ids.</summary>
    public Task<List<string>> StartAllAsync(int n, string spec) => StartAllAsync(n, _ => spec);

    /// <summary>Starts <paramref name="n"/> flows, 32 at a time, flow i of <paramref name="spec"/>(i); returns their ids.</summary>
    public async Task<List<string>> StartAllAsync(int n, Func<int, string> spec)
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForAsync(0, n, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            ids.Add((await engine.StartAsync(new StartFlowRequest { SpecText = spec(i) }, ct)).Flow.Id));
        return [.. ids];
    }

    /// <summary>
    /// Waits until every flow of <paramref name="started"/> completed (and was let go); <paramref name="seen"/> hears the fraction
    /// done (of a sample) at every look, 50 ms apart.
    /// </summary>
    public Task UntilCompletedAsync(List<string> started, Action<double>? seen = null) => UntilAsync(started, "COMPLETED", seen);

    /// <summary>Waits until every flow of <paramref name="started"/> is in <paramref name="state"/> (its name in the store) and let go.</summary>
    public async Task UntilAsync(List<string> started, string state, Action<double>? seen = null)
    {
        var sample = started.OrderBy(_ => Random.Shared.Next()).Take(300).ToArray();
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{started.Count} flows did not complete in 10 minutes with {workers}");
            }

            var done = await InStateAsync(sample, state);
            seen?.Invoke((double)done / sample.Length);
            if (done == sample.Length && await InStateAsync([.. started], state) == started.Count)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Every waiting gate (<see cref="Gated"/>) fires at <paramref name="at"/> instead: its timer and its flow's due
    /// time, in one transaction; then VACUUM clears the rows' old versions (claims would step over them in the indexes).
    /// </summary>
    public async Task MakeDueAsync(DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds();
        await using (var move = new NpgsqlCommand(
            "BEGIN; UPDATE flowmachine.steps SET wait_until = @at WHERE key = 'gate' AND state = 'WAITING'; " +
            "UPDATE flowmachine.flows SET next_run_at = @at WHERE state = 'WAITING' AND lease_owner IS NULL; COMMIT", count))
        {
            move.Parameters.AddWithValue("at", ms);
            await move.ExecuteNonQueryAsync();
        }

        await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) flowmachine.flows, flowmachine.steps", count);
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>The connections the workers hold now (their application name is <c>flowmachine</c>; listeners included).</summary>
    public async Task<long> WorkerConnectionsAsync()
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'flowmachine'", count);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A flow of a durable timer until <paramref name="at"/>, then <paramref name="steps"/> no-op steps; <paramref name="extra"/>
    /// (", queue: q", say) is appended to every task.
    /// </summary>
    public static string Gated(DateTimeOffset at, int steps, string extra = "") =>
        "tasks: [{ key: gate, task_type: delay, task_params: { until: '" + at.ToString("O", CultureInfo.InvariantCulture) + "' }" + extra + " }, " +
        string.Join(", ", Enumerable.Range(0, steps).Select(i => $"{{ key: s{i}, task_type: noop{extra} }}")) + "]";

    // Counting every completed flow reads the whole (much updated) table: polled often, it would take CPU
    // from the workers. A sample of the flows, read by primary key, tells the fraction done.
    private async Task<long> InStateAsync(string[] among, string state)
    {
        // "state || ''" keeps the planner off the state index (thousands of rows): the sample goes by primary key.
        await using var command = new NpgsqlCommand("SELECT count(*) FROM flowmachine.flows WHERE id = ANY(@ids) AND state || '' = @state AND lease_owner IS NULL", count);
        command.Parameters.AddWithValue("ids", among);
        command.Parameters.AddWithValue("state", state);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
