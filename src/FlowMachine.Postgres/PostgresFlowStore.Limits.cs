using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The flow control role (IFlowLimitStore): one statement per decision, shared by every process.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<bool> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rows = await QueryAsync(PostgresLimits.AcquireSql, p =>
        {
            p.Add(P(Positional, request.Key));
            p.Add(P(Positional, (int?)request.Limit));
            p.Add(P(Positional, request.FlowId));
            p.Add(P(Positional, request.StepKey));
            p.Add(P(Positional, request.Owner));
            p.Add(P(Positional, (long?)Ms(request.Now)));
            p.Add(P(Positional, (long?)Ms(request.ExpiresAt)));
        }, r => r.GetBoolean(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseSlotsAsync(string flowId, IReadOnlyList<LimitSlot> slots, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        await RunAsync(async (connection, ct) =>
        {
            var batch = new NpgsqlBatch(connection);
            await using var batchScope = batch.ConfigureAwait(false);
            batch.BatchCommands.Add(PostgresLimits.Release(flowId, slots, Ms(now), channel));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask RenewSlotsAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var ids = flowIds.ToArray();
        await RunAsync(async (connection, ct) =>
        {
            var cmd = new NpgsqlCommand(PostgresLimits.RenewSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            cmd.Parameters.Add(P(Positional, owner));
            cmd.Parameters.Add(P(Positional, (long?)Ms(expiresAt)));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<DateTimeOffset?> TakeTokenAsync(string key, int limit, TimeSpan per, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = await QueryAsync(PostgresLimits.TakeSql, p =>
        {
            p.Add(P(Positional, key));
            p.Add(P(Positional, (int?)limit));
            p.Add(P(Positional, (long?)(long)per.TotalMilliseconds));
            p.Add(P(Positional, (long?)Ms(now)));
        }, r => r.IsDBNull(0) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc/>
    public bool TakesLimitsInCommit => true; // in the group commit's batch, under its per-key locks (PostgresLimitTakes)

    /// <inheritdoc/>
    public async ValueTask<bool> ExpireSlotsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(PostgresLimits.ExpireSql, p =>
        {
            p.Add(P(Positional, (long?)Ms(now)));
            p.Add(P(Positional, channel));
        }, r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return rows[0] > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<int> CountSlotsAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(PostgresLimits.CountSql, p =>
        {
            p.Add(P(Positional, key));
            p.Add(P(Positional, (long?)Ms(now)));
        }, r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }
}
