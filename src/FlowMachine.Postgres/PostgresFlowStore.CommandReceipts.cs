using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The command-receipt role (ICommandReceiptStore).
public sealed partial class PostgresFlowStore : ICommandReceiptStore
{
    /// <inheritdoc/>
    public ValueTask<CommandReceipt?> ClaimCommandReceiptAsync(string key, string request, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync<CommandReceipt?>(async (connection, ct) =>
        {
            // The primary key decides: of requests claiming the same key at once, one inserts and the others read its row.
            var expire = Command(CommandReceiptSql.Expire);
            expire.Parameters.Add(P("cutoff", Ms(now - keep)));
            var claim = Command(CommandReceiptSql.Claim);
            claim.Parameters.Add(P("key", key));
            claim.Parameters.Add(P("request", request));
            claim.Parameters.Add(P("at", Ms(now)));
            var counts = await ExecuteBatchAsync(connection, null, [expire, claim], ct).ConfigureAwait(false);
            if (counts[1] == 1)
            {
                return null;
            }

            var found = await QueryAsync(connection, null, CommandReceiptSql.Find, p => p.Add(P("key", key)),
                r => new CommandReceipt(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2)), ct).ConfigureAwait(false);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteCommandReceiptAsync(string key, int status, string body, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(CommandReceiptSql.Complete, p =>
        {
            p.Add(P("key", key));
            p.Add(P("status", (int?)status));
            p.Add(P("body", body));
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask ForgetCommandReceiptAsync(string key, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(CommandReceiptSql.Forget, p => p.Add(P("key", key)), cancellationToken).ConfigureAwait(false);
}
