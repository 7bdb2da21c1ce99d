using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The retention role (IFlowRetentionStore): a batch locks its top flows FOR UPDATE SKIP LOCKED, so two
// processes sweeping at once take different flows, then locks their trees and deletes them in one transaction.
public sealed partial class PostgresFlowStore
{
    private const string IdList = "(SELECT unnest(@ids))";
    private const string ExceptRoutines = "f.routine = ANY(@except)";

    /// <inheritdoc/>
    public ValueTask<RetentionBatch> DeleteFlowsAsync(FlowRetentionFilter filter, int batchSize, CancellationToken cancellationToken)
    {
        // A batch lost in a crash is only swept again, so its commit does not wait for the WAL flush.
        var sql = IndexPlansSql + "SET LOCAL synchronous_commit = off; " +
            RetentionSql.Roots(filter, "f.id", ExceptRoutines) + " ORDER BY f.created_at, f.id LIMIT @limit FOR UPDATE OF f SKIP LOCKED";
        return RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var roots = await QueryAsync(connection, tx, sql, p =>
            {
                BindRetention(p, filter);
                p.Add(P("limit", Math.Max(1, batchSize)));
            }, r => r.GetString(0), ct).ConfigureAwait(false);
            var (deleted, children) = await DeleteTreesAsync(connection, tx, roots, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new RetentionBatch(roots.Count, deleted, children);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountDeletableFlowsAsync(FlowRetentionFilter filter, CancellationToken cancellationToken)
    {
        var sql = "SELECT COUNT(*) FROM (" + RetentionSql.Roots(filter, "1", ExceptRoutines) + ") c";
        var rows = await QueryAsync(sql, p => BindRetention(p, filter), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc/>
    public ValueTask<FlowDeleteOutcome> DeleteFlowAsync(string flowId, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var found = await QueryAsync(connection, tx,
                "SELECT (SELECT p.state FROM flows p WHERE p.id = f.parent_flow_id) FROM flows f WHERE f.id = @id FOR UPDATE OF f",
                p => p.Add(P("id", flowId)), r => r.IsDBNull(0) ? null : r.GetString(0), ct).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return FlowDeleteOutcome.NotFound;
            }

            if (found[0] is { } parentState && !(StateNames.TryParseFlowState(parentState, out var state) && state.IsTerminal()))
            {
                return FlowDeleteOutcome.NotDeletable;
            }

            var (deleted, _) = await DeleteTreesAsync(connection, tx, [flowId], ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return deleted == 1 ? FlowDeleteOutcome.Deleted : FlowDeleteOutcome.NotDeletable;
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<FlowStorageStats> GetStorageStatsAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT (" + RetentionSql.OldestFinished + "), (SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c " +
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r')",
            _ => { }, r => (Oldest: r.IsDBNull(0) ? (long?)null : r.GetInt64(0), Bytes: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        return new FlowStorageStats(rows[0].Oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, rows[0].Bytes);
    }

    /// <inheritdoc/>
    /// <remarks>PostgreSQL's autovacuum reclaims deleted rows; small batches let it keep up, so there is nothing to do here.</remarks>
    public ValueTask ReclaimSpaceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    /// <summary>Locks the trees of <paramref name="roots"/> and deletes each whose every flow may go; returns (top flows, children).</summary>
    private static async Task<(int Roots, int Children)> DeleteTreesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<string> roots, CancellationToken ct)
    {
        if (roots.Count == 0)
        {
            return (0, 0);
        }

        var rows = await QueryAsync(connection, tx, RetentionSql.Tree("(SELECT x COLLATE \"C\" AS r FROM unnest(@ids) AS u(x)) v") + " FOR UPDATE OF f",
            p => p.Add(Ids(roots)), r => (r.GetString(0), r.GetString(1), r.GetBoolean(2)), ct).ConfigureAwait(false);
        var (ids, deletable) = RetentionSql.Deletable(rows);
        if (ids.Count == 0)
        {
            return (0, 0);
        }

        var batch = new NpgsqlBatch(connection, tx);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var sql in RetentionSql.DeleteFlows(IdList))
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(Ids(ids));
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var hashes = await QueryAsync(connection, tx, "DELETE FROM flows WHERE id IN " + IdList + " RETURNING spec_hash",
            p => p.Add(Ids(ids)), r => r.GetString(0), ct).ConfigureAwait(false);

        await DeleteUnusedSpecsAsync(connection, tx, hashes.Distinct(StringComparer.Ordinal).ToArray(), ct).ConfigureAwait(false);
        return (deletable, ids.Count - deletable);
    }

    /// <summary>
    /// Deletes those of <paramref name="hashes"/> (specs of flows just deleted) that no flow names any more. Deleters
    /// take turns here (an advisory lock held to their commit), so each sees what the one before deleted. Only specs
    /// no committed flow names are worth the table lock: a start that reuses one may have found it stored and not
    /// yet committed its flow, and the lock waits for such starts and holds new ones back for the delete's length.
    /// Most batches find every spec still in use and lock no table.
    /// </summary>
    private static async Task DeleteUnusedSpecsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string[] hashes, CancellationToken ct)
    {
        var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':specs', 0))", connection, tx);
        await using (turn.ConfigureAwait(false))
        {
            await turn.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        // A statement of its own, so that it sees what was committed while this one waited for its turn.
        var unused = await QueryAsync(connection, tx, "SELECT h FROM unnest(@hashes) AS u(h) WHERE NOT EXISTS (SELECT 1 FROM flows x WHERE x.spec_hash = u.h)",
            p => p.Add(Hashes(hashes)), r => r.GetString(0), ct).ConfigureAwait(false);
        if (unused.Count == 0)
        {
            return;
        }

        var specs = new NpgsqlCommand("LOCK TABLE specs IN SHARE ROW EXCLUSIVE MODE; " + RetentionSql.DeleteUnusedSpecs("(SELECT unnest(@hashes))"), connection, tx);
        await using (specs.ConfigureAwait(false))
        {
            specs.Parameters.Add(Hashes([.. unused]));
            await specs.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static NpgsqlParameter Hashes(string[] hashes) => new("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = hashes };

    private static NpgsqlParameter Ids(List<string> ids) => new("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() };

    private static void BindRetention(NpgsqlParameterCollection p, FlowRetentionFilter filter)
    {
        if (filter.FinishedBefore is { } before)
        {
            p.Add(P("before", Ms(before)));
        }

        if (filter.Routine is not null)
        {
            p.Add(P("routine", filter.Routine));
        }

        if (filter.Tag is not null)
        {
            p.Add(P("tag", filter.Tag));
        }

        if (filter.ExceptRoutines.Count > 0)
        {
            p.Add(new NpgsqlParameter("except", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = filter.ExceptRoutines.ToArray() });
        }
    }
}
