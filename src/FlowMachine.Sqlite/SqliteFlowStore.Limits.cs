using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The flow control role (IFlowLimitStore): concurrency slots, their waiters, and rate tokens.
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<bool> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(db => SqliteLimits.Acquire(db, request), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask ReleaseSlotsAsync(string flowId, IReadOnlyList<LimitSlot> slots, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var list = slots.ToArray();
        return Done(WriteAsync(db =>
        {
            return SqliteLimits.Release(db, flowId, list, now);
        }, cancellationToken));
    }

    /// <inheritdoc/>
    public ValueTask RenewSlotsAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var ids = flowIds.ToArray();
        return Done(WriteAsync(db =>
        {
            foreach (var id in ids)
            {
                db.Prepared("UPDATE limit_slots SET expires_at = ?3 WHERE flow_id = ?1 AND owner = ?2").Text(1, id).Text(2, owner).Int(3, Ms(expiresAt)).Execute();
            }

            return true;
        }, cancellationToken));
    }

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> TakeTokenAsync(string key, int limit, TimeSpan per, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(db => SqliteLimits.TakeToken(db, key, limit, per, now), cancellationToken);
    }

    /// <inheritdoc/>
    public bool TakesLimitsInCommit => true;

    /// <inheritdoc/>
    public ValueTask<bool> ExpireSlotsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(db => SqliteLimits.Expire(db, now), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<int> CountSlotsAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(db =>
        {
            var cmd = db.Get("SELECT count(*) FROM limit_slots WHERE key = @key AND expires_at > @now");
            Add(cmd, "@key", key);
            Add(cmd, "@now", Ms(now));
            return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    private static async ValueTask Done(ValueTask<bool> write) => await write.ConfigureAwait(false);
}
