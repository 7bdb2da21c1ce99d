using Npgsql;

namespace FlowMachine.TestHost;

/// <summary>
/// Inserts (flow_id, step_key, attempt, worker) into the table <c>executions</c> of the PostgreSQL
/// database named by FLOWMACHINE_RECORD_PG for each execution, then sleeps <c>ms</c>. The row is
/// committed before the sleep, so a kill finds steps in flight whose execution is already counted.
/// </summary>
[TaskType("record.Row", Description = "Records each execution as a row in PostgreSQL, then sleeps task_params.ms.")]
public sealed class RecordRowTask : IFlowTask
{
    private static readonly Lazy<NpgsqlDataSource> Source = new(() => NpgsqlDataSource.Create(
        Environment.GetEnvironmentVariable("FLOWMACHINE_RECORD_PG") ?? throw new InvalidOperationException("FLOWMACHINE_RECORD_PG is not set.")));

    private static readonly string Worker = Environment.GetEnvironmentVariable("FLOWMACHINE_WORKER_NAME") ?? $"pid{Environment.ProcessId}";
    private static readonly SemaphoreSlim TableGate = new(1, 1);
    private static bool tableReady;

    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // A database restart must not fail the step: retry the insert like the store retries its writes.
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await EnsureTableAsync(cancellationToken);
                await using var cmd = Source.Value.CreateCommand("INSERT INTO executions (flow_id, step_key, attempt, worker) VALUES (@flow, @step, @attempt, @worker)");
                cmd.Parameters.AddWithValue("flow", context.FlowId);
                cmd.Parameters.AddWithValue("step", context.StepKey);
                cmd.Parameters.AddWithValue("attempt", context.Attempt);
                cmd.Parameters.AddWithValue("worker", Worker);
                await cmd.ExecuteNonQueryAsync(cancellationToken);
                break;
            }
            catch (NpgsqlException error) when (error.IsTransient && DateTime.UtcNow < giveUp)
            {
                Source.Value.Clear();
                await Task.Delay(200, cancellationToken);
            }
        }

        var ms = context.Param("ms", 0);
        if (ms > 0)
        {
            await Task.Delay(ms, cancellationToken);
        }

        return Outcome.Result(context.Attempt);
    }

    private static async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref tableReady))
        {
            return;
        }

        await TableGate.WaitAsync(cancellationToken);
        try
        {
            if (!tableReady)
            {
                try
                {
                    await using var cmd = Source.Value.CreateCommand(
                        "CREATE TABLE IF NOT EXISTS executions (flow_id text NOT NULL, step_key text NOT NULL, attempt integer NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
                    await cmd.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException error) when (error.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
                {
                    // Another worker process created it at the same moment.
                }

                tableReady = true;
            }
        }
        finally
        {
            TableGate.Release();
        }
    }
}
