using FlowMachine.Storage;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Postgres;

// The routine role (IRoutineStore).
public sealed partial class PostgresFlowStore
{
    private const string RoutineColumns = "name, version, spec_json, owner, created_at";

    /// <inheritdoc/>
    public ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specJson);
        return RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);

            // Two saves of one routine at once must not both pick the next version number.
            var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('flowmachine.routine:' || @name, 0))", connection, tx);
            await using (lockCmd.ConfigureAwait(false))
            {
                lockCmd.Parameters.Add(P("name", name));
                await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var current = (await QueryAsync(connection, tx, $"SELECT {RoutineColumns} FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1",
                p => p.Add(P("name", name)), ReadRoutine, ct).ConfigureAwait(false)).FirstOrDefault();
            if (current is not null && string.Equals(current.SpecJson, specJson, StringComparison.Ordinal))
            {
                return current;
            }

            var record = new RoutineRecord(name, (current?.Version ?? 0) + 1, specJson, owner, Time(Ms(now)));
            var insert = new NpgsqlCommand("INSERT INTO routines (" + RoutineColumns + ") VALUES (@name, @version, @spec, @owner, @at)", connection, tx);
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.Add(P("name", name));
                insert.Parameters.Add(P("version", (int?)record.Version));
                insert.Parameters.Add(P("spec", specJson));
                insert.Parameters.Add(P("owner", owner));
                insert.Parameters.Add(P("at", Ms(now)));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return record;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken) =>
        (await QueryAsync(
            version is null
                ? $"SELECT {RoutineColumns} FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1"
                : $"SELECT {RoutineColumns} FROM routines WHERE name = @name AND version = @version",
            p =>
            {
                p.Add(P("name", name));
                p.Add(P("version", version));
            },
            ReadRoutine,
            cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT DISTINCT ON (name) {RoutineColumns} FROM routines ORDER BY name, version DESC", _ => { }, ReadRoutine, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {RoutineColumns} FROM routines WHERE name = @name ORDER BY version", p => p.Add(P("name", name)), ReadRoutine, cancellationToken).ConfigureAwait(false);
}
