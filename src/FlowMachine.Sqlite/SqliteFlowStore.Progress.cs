using System.Text.Json.Nodes;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// Progress of running steps: a one-row update of its own, rare and throttled by the engine.
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<bool> SaveProgressAsync(string flowId, string stepKey, string owner, JsonNode progress, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);

        // Serialized here, on the caller's thread: the writer only runs the update.
        var json = progress.ToJsonString();
        var ms = Ms(at);
        return WriteAsync(db =>
        {
            var cmd = db.Get(RelationalSql.SaveProgress);
            Add(cmd, "@progress", json);
            Add(cmd, "@at", ms);
            Add(cmd, "@flow", flowId);
            Add(cmd, "@key", stepKey);
            Add(cmd, "@owner", owner);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }
}
