using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The webhook role (IHookStore): hooks and their deliveries (migration 23).
public sealed partial class PostgresFlowStore : IHookStore
{
    /// <inheritdoc/>
    public async ValueTask<bool> CreateHookAsync(HookRecord hook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return await ExecuteWorkerAsync(HookSql.Create, p =>
        {
            p.Add(P("name", hook.Name));
            p.Add(P("secret", hook.Secret));
            p.Add(P("owner", hook.Owner));
            p.Add(P("action", hook.ActionJson));
            p.Add(P("created", Ms(hook.CreatedAt)));
        }, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<HookRecord?> GetHookAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync(HookSql.Get, p => p.Add(P("name", name)), HookSql.Read, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<HookRecord>> ListHooksAsync(string? owner, CancellationToken cancellationToken) =>
        await QueryAsync(owner is null ? HookSql.ListAll : HookSql.ListOwned, p =>
        {
            if (owner is not null)
            {
                p.Add(P("owner", owner));
            }
        }, HookSql.Read, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<bool> RotateHookSecretAsync(string name, string secret, DateTimeOffset rotatedAt, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(HookSql.Rotate, p =>
        {
            p.Add(P("name", name));
            p.Add(P("secret", secret));
            p.Add(P("at", Ms(rotatedAt)));
        }, cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public ValueTask<bool> DeleteHookAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var deliveries = Command(HookSql.DeleteDeliveries);
            deliveries.Parameters.Add(P("name", name));
            var hook = Command(HookSql.Delete);
            hook.Parameters.Add(P("name", name));
            var counts = await ExecuteBatchAsync(connection, null, [deliveries, hook], ct).ConfigureAwait(false);
            return counts[1] == 1;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<HookDelivery?> ClaimHookDeliveryAsync(string hook, string delivery, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken) =>
        RunAsync<HookDelivery?>(async (connection, ct) =>
        {
            // The primary key decides: of deliveries claiming the same id at once, one inserts and the others read its row.
            var expire = Command(HookSql.ExpireDeliveries);
            expire.Parameters.Add(P("hook", hook));
            expire.Parameters.Add(P("cutoff", Ms(now - keep)));
            var claim = Command(HookSql.ClaimDelivery);
            BindDelivery(claim.Parameters, hook, delivery);
            claim.Parameters.Add(P("at", Ms(now)));
            var counts = await ExecuteBatchAsync(connection, null, [expire, claim], ct).ConfigureAwait(false);
            if (counts[1] == 1)
            {
                return null;
            }

            var found = await QueryAsync(connection, null, HookSql.FindDelivery, p => BindDelivery(p, hook, delivery), HookSql.ReadDelivery, ct).ConfigureAwait(false);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CompleteHookDeliveryAsync(string hook, string delivery, int status, string body, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(HookSql.CompleteDelivery, p =>
        {
            BindDelivery(p, hook, delivery);
            p.Add(P("status", (int?)status));
            p.Add(P("body", body));
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask ForgetHookDeliveryAsync(string hook, string delivery, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(HookSql.ForgetDelivery, p => BindDelivery(p, hook, delivery), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<int> PurgeHookDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ExecuteWorkerAsync(HookSql.PurgeDeliveries, p => p.Add(P("cutoff", Ms(before))), cancellationToken);

    private static void BindDelivery(NpgsqlParameterCollection p, string hook, string delivery)
    {
        p.Add(P("hook", hook));
        p.Add(P("delivery", delivery));
    }
}
