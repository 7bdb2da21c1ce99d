using System.Text.Json.Nodes;
using FlowMachine.Storage.Relational;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// Progress of running steps: a one-row update of its own, rare and throttled by the engine.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<bool> SaveProgressAsync(string flowId, string stepKey, string owner, JsonNode progress, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var json = progress.ToJsonString();
        var written = await ExecuteWorkerAsync(RelationalSql.SaveProgress, p =>
        {
            p.Add(P("progress", json));
            p.Add(P("at", (long?)Ms(at)));
            p.Add(P("flow", flowId));
            p.Add(P("key", stepKey));
            p.Add(P("owner", owner));
        }, cancellationToken).ConfigureAwait(false);
        return written == 1;
    }
}
