using System.Text.Json;
using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Microsoft.Data.Sqlite;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The retention role (IFlowRetentionStore): each batch is one request of the single writer, so two
// sweepers never delete the same rows; freed pages go back to the file by incremental vacuum.
public sealed partial class SqliteFlowStore
{
    private const string Ids = "(SELECT value AS r FROM json_each(@ids))";
    private const string ExceptRoutines = "f.routine IN (SELECT value FROM json_each(@except))";

    /// <summary>Pages one <see cref="ReclaimSpaceAsync"/> gives back at most (16 MB of 4 KB pages): the writer is held only briefly.</summary>
    internal const int VacuumPages = 4096;

    /// <inheritdoc/>
    public ValueTask<RetentionBatch> DeleteFlowsAsync(FlowRetentionFilter filter, int batchSize, CancellationToken cancellationToken)
    {
        var sql = RetentionSql.Roots(filter, "f.id", ExceptRoutines) + " ORDER BY f.created_at, f.id LIMIT @limit";
        return WriteAsync(db =>
        {
            var cmd = db.Get(sql);
            BindRetention(cmd, filter);
            Add(cmd, "@limit", Math.Max(1, batchSize));
            var roots = ReadStrings(cmd);
            var (deleted, children) = DeleteTrees(db, roots);
            return new RetentionBatch(roots.Count, deleted, children);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<long> CountDeletableFlowsAsync(FlowRetentionFilter filter, CancellationToken cancellationToken)
    {
        var sql = "SELECT COUNT(*) FROM (" + RetentionSql.Roots(filter, "1", ExceptRoutines) + ")";
        return ReadAsync(db =>
        {
            var cmd = db.Get(sql);
            BindRetention(cmd, filter);
            return (long)cmd.ExecuteScalar()!;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<FlowDeleteOutcome> DeleteFlowAsync(string flowId, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var cmd = db.Get("SELECT f.parent_flow_id, (SELECT p.state FROM flows p WHERE p.id = f.parent_flow_id) FROM flows f WHERE f.id = @id");
            Add(cmd, "@id", flowId);
            string? parentState;
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    return FlowDeleteOutcome.NotFound;
                }

                parentState = r.IsDBNull(1) ? null : r.GetString(1);
            }

            if (parentState is not null && !(StateNames.TryParseFlowState(parentState, out var state) && state.IsTerminal()))
            {
                return FlowDeleteOutcome.NotDeletable;
            }

            return DeleteTrees(db, [flowId]).Roots == 1 ? FlowDeleteOutcome.Deleted : FlowDeleteOutcome.NotDeletable;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowStorageStats> GetStorageStatsAsync(CancellationToken cancellationToken) =>
        ReadAsync(db =>
        {
            var oldest = db.Get(RetentionSql.OldestFinished).ExecuteScalar() is long ms ? Time(ms) : (DateTimeOffset?)null;
            var bytes = (long)db.Get("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").ExecuteScalar()!;
            return new FlowStorageStats(oldest, bytes);
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask ReclaimSpaceAsync(CancellationToken cancellationToken) =>
        await WriteAsync(db =>
        {
            // Only a file created with auto_vacuum = INCREMENTAL (2) can give pages back without a full VACUUM.
            if ((long)db.Get("PRAGMA auto_vacuum").ExecuteScalar()! == 2)
            {
                using var vacuum = db.Get($"PRAGMA incremental_vacuum({VacuumPages})").ExecuteReader();
                while (vacuum.Read())
                {
                    // each row is a page given back
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes each of the top flows whose whole tree may go, with everything that belongs to it; returns (top flows, children).</summary>
    private static (int Roots, int Children) DeleteTrees(SqliteCommandCache db, List<string> roots)
    {
        if (roots.Count == 0)
        {
            return (0, 0);
        }

        var tree = db.Get(RetentionSql.Tree(Ids));
        Add(tree, "@ids", JsonSerializer.Serialize(roots));
        var rows = new List<(string, string, bool)>();
        using (var r = tree.ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add((r.GetString(0), r.GetString(1), r.GetInt64(2) != 0));
            }
        }

        var (ids, deletable) = RetentionSql.Deletable(rows);
        if (ids.Count == 0)
        {
            return (0, 0);
        }

        var json = JsonSerializer.Serialize(ids);
        foreach (var sql in RetentionSql.DeleteFlows(Ids))
        {
            var delete = db.Get(sql);
            Add(delete, "@ids", json);
            delete.ExecuteNonQuery();
        }

        var flows = db.Get("DELETE FROM flows WHERE id IN " + Ids + " RETURNING spec_hash");
        Add(flows, "@ids", json);
        var hashes = ReadStrings(flows).Distinct(StringComparer.Ordinal).ToList();
        var specs = db.Get(RetentionSql.DeleteUnusedSpecs("(SELECT value FROM json_each(@hashes))"));
        Add(specs, "@hashes", JsonSerializer.Serialize(hashes));
        specs.ExecuteNonQuery();
        return (deletable, ids.Count - deletable);
    }

    private static void BindRetention(SqliteCommand cmd, FlowRetentionFilter filter)
    {
        Add(cmd, "@before", Ms(filter.FinishedBefore));
        Add(cmd, "@routine", filter.Routine);
        Add(cmd, "@tag", filter.Tag);
        Add(cmd, "@except", JsonSerializer.Serialize(filter.ExceptRoutines));
    }

    private static List<string> ReadStrings(SqliteCommand cmd)
    {
        var list = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}
