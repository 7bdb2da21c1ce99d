using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Microsoft.Data.Sqlite;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The webhook role (IHookStore): hooks and their deliveries (migration 20), every write on the one writer.
public sealed partial class SqliteFlowStore : IHookStore
{
    /// <inheritdoc/>
    public ValueTask<bool> CreateHookAsync(HookRecord hook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return WriteAsync(db =>
        {
            var cmd = db.Get(HookSql.Create);
            Add(cmd, "@name", hook.Name);
            Add(cmd, "@secret", hook.Secret);
            Add(cmd, "@owner", hook.Owner);
            Add(cmd, "@action", hook.ActionJson);
            Add(cmd, "@created", Ms(hook.CreatedAt));
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<HookRecord?> GetHookAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(db =>
        {
            var cmd = db.Get(HookSql.Get);
            Add(cmd, "@name", name);
            return ReadHooks(cmd).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<HookRecord>> ListHooksAsync(string? owner, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<HookRecord>>(db =>
        {
            var cmd = db.Get(owner is null ? HookSql.ListAll : HookSql.ListOwned);
            if (owner is not null)
            {
                Add(cmd, "@owner", owner);
            }

            return ReadHooks(cmd);
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> RotateHookSecretAsync(string name, string secret, DateTimeOffset rotatedAt, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var cmd = db.Get(HookSql.Rotate);
            Add(cmd, "@name", name);
            Add(cmd, "@secret", secret);
            Add(cmd, "@at", Ms(rotatedAt));
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteHookAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var deliveries = db.Get(HookSql.DeleteDeliveries);
            Add(deliveries, "@name", name);
            deliveries.ExecuteNonQuery();
            var cmd = db.Get(HookSql.Delete);
            Add(cmd, "@name", name);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<HookDelivery?> ClaimHookDeliveryAsync(string hook, string delivery, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            // One write transaction (the file's only writer): the expiry, the claim and the read cannot interleave.
            var expire = db.Get(HookSql.ExpireDeliveries);
            Add(expire, "@hook", hook);
            Add(expire, "@cutoff", Ms(now - keep));
            expire.ExecuteNonQuery();
            var claim = db.Get(HookSql.ClaimDelivery);
            BindDelivery(claim, hook, delivery);
            Add(claim, "@at", Ms(now));
            if (claim.ExecuteNonQuery() == 1)
            {
                return null;
            }

            var find = db.Get(HookSql.FindDelivery);
            BindDelivery(find, hook, delivery);
            using var r = find.ExecuteReader();
            return r.Read() ? HookSql.ReadDelivery(r) : null;
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CompleteHookDeliveryAsync(string hook, string delivery, int status, string body, CancellationToken cancellationToken) =>
        await WriteAsync(db =>
        {
            var cmd = db.Get(HookSql.CompleteDelivery);
            BindDelivery(cmd, hook, delivery);
            Add(cmd, "@status", status);
            Add(cmd, "@body", body);
            return cmd.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask ForgetHookDeliveryAsync(string hook, string delivery, CancellationToken cancellationToken) =>
        await WriteAsync(db =>
        {
            var cmd = db.Get(HookSql.ForgetDelivery);
            BindDelivery(cmd, hook, delivery);
            return cmd.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<int> PurgeHookDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var cmd = db.Get(HookSql.PurgeDeliveries);
            Add(cmd, "@cutoff", Ms(before));
            return cmd.ExecuteNonQuery();
        }, cancellationToken);

    private static List<HookRecord> ReadHooks(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var hooks = new List<HookRecord>();
        while (r.Read())
        {
            hooks.Add(HookSql.Read(r));
        }

        return hooks;
    }

    private static void BindDelivery(SqliteCommand cmd, string hook, string delivery)
    {
        Add(cmd, "@hook", hook);
        Add(cmd, "@delivery", delivery);
    }
}
