using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The command-receipt role (ICommandReceiptStore).
public sealed partial class SqliteFlowStore : ICommandReceiptStore
{
    /// <inheritdoc/>
    public ValueTask<CommandReceipt?> ClaimCommandReceiptAsync(string key, string request, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);

        // One write transaction (the file's only writer): the expiry, the claim and the read cannot interleave.
        return WriteAsync(db =>
        {
            var expire = db.Get(CommandReceiptSql.Expire);
            Add(expire, "@cutoff", Ms(now - keep));
            expire.ExecuteNonQuery();
            var claim = db.Get(CommandReceiptSql.Claim);
            Add(claim, "@key", key);
            Add(claim, "@request", request);
            Add(claim, "@at", Ms(now));
            if (claim.ExecuteNonQuery() == 1)
            {
                return null;
            }

            var find = db.Get(CommandReceiptSql.Find);
            Add(find, "@key", key);
            using var r = find.ExecuteReader();
            return r.Read() ? new CommandReceipt(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2)) : null;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteCommandReceiptAsync(string key, int status, string body, CancellationToken cancellationToken) =>
        await WriteAsync(db =>
        {
            var cmd = db.Get(CommandReceiptSql.Complete);
            Add(cmd, "@key", key);
            Add(cmd, "@status", status);
            Add(cmd, "@body", body);
            return cmd.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask ForgetCommandReceiptAsync(string key, CancellationToken cancellationToken) =>
        await WriteAsync(db =>
        {
            var cmd = db.Get(CommandReceiptSql.Forget);
            Add(cmd, "@key", key);
            return cmd.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
}
