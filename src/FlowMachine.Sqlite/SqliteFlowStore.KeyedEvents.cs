using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The keyed-event role (IKeyedEventStore). The file's one writer orders a raise and a commit that begins a wait.
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<KeyedEventResult> RaiseKeyedEventAsync(KeyedEvent raised, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raised);
        var value = raised.Value?.ToJsonString();
        var owner = KeyedEventSql.Owner(raised.Owner);
        return WriteAsync(db =>
        {
            if (raised.Id is { } id)
            {
                var remember = db.Get(KeyedEventSql.RememberId);
                Add(remember, "@owner", owner);
                Add(remember, "@id", id);
                Add(remember, "@until", Ms(raised.KeepUntil));
                Add(remember, "@now", Ms(now));
                if (remember.ExecuteNonQuery() == 0)
                {
                    return new KeyedEventResult(0, Duplicate: true);
                }
            }

            var keep = db.Get(KeyedEventSql.Keep);
            Add(keep, "@name", raised.Name);
            Add(keep, "@key", raised.Key);
            Add(keep, "@owner", owner);
            Add(keep, "@value", value);
            Add(keep, "@now", Ms(now));
            Add(keep, "@until", Ms(raised.KeepUntil));
            Add(keep, "@id", raised.Id);
            keep.ExecuteNonQuery();

            var take = db.Get(KeyedEventSql.TakeWaits);
            Add(take, "@name", raised.Name);
            Add(take, "@key", raised.Key);
            Add(take, "@owner", owner);
            var flowIds = new List<string>();
            using (var r = take.ExecuteReader())
            {
                while (r.Read())
                {
                    flowIds.Add(r.GetString(0));
                }
            }

            foreach (var flowId in flowIds)
            {
                InsertEvent(db, flowId, raised.Name, raised.Value, now, raised.Key);
                MakeDue(db, flowId, now);
            }

            return new KeyedEventResult(flowIds.Distinct(StringComparer.Ordinal).Count(), Duplicate: false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<KeyedWait>> GetKeyedWaitsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<KeyedWait>>(db =>
        {
            var cmd = db.Get(KeyedEventSql.FlowWaits);
            Add(cmd, "@flow", flowId);
            using var r = cmd.ExecuteReader();
            var waits = new List<KeyedWait>();
            while (r.Read())
            {
                waits.Add(new KeyedWait(r.GetString(0), r.GetString(1), r.GetString(2)));
            }

            return waits;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<KeptEventRecord>> ListKeptEventsAsync(KeyedEventFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync<IReadOnlyList<KeptEventRecord>>(db =>
        {
            var cmd = db.Get(KeyedEventSql.ListKept);
            AddFilter(cmd, filter);
            Add(cmd, "@now", Ms(now));
            return ReadAll(cmd, RelationalRows.ReadKept);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<KeyedWaitRecord>> ListKeyedWaitsAsync(KeyedEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync<IReadOnlyList<KeyedWaitRecord>>(db =>
        {
            var cmd = db.Get(KeyedEventSql.ListWaits);
            AddFilter(cmd, filter);
            return ReadAll(cmd, RelationalRows.ReadWait);
        }, cancellationToken);
    }

    private static void AddFilter(Microsoft.Data.Sqlite.SqliteCommand cmd, KeyedEventFilter filter)
    {
        Add(cmd, "@name", filter.Name);
        Add(cmd, "@key", filter.Key);
        Add(cmd, "@owner", filter.Owner);
        Add(cmd, "@limit", filter.Limit);
    }

    /// <inheritdoc/>
    public ValueTask<int> PurgeKeptEventsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var counts = KeyedEventSql.Purge.Select(sql =>
            {
                var cmd = db.Get(sql);
                Add(cmd, "@now", Ms(now));
                return cmd.ExecuteNonQuery();
            }).ToList();
            return counts[0];
        }, cancellationToken);

    /// <summary>
    /// The keyed waits a commit ends and begins, in its transaction: a kept event goes to the flow's events at once
    /// (true: the flow has input now), else the wait is indexed.
    /// </summary>
    private static bool ApplyKeyedWaits(SqliteCommandCache db, FlowTransition t, DateTimeOffset now)
    {
        var flowId = t.Flow.Id;
        foreach (var step in t.EndedKeyedWaits.Concat(t.KeyedWaits.Select(w => w.StepKey)))
        {
            var drop = db.Get(KeyedEventSql.DropWait);
            Add(drop, "@flow", flowId);
            Add(drop, "@step", step);
            drop.ExecuteNonQuery();
        }

        var delivered = false;
        foreach (var wait in t.KeyedWaits)
        {
            var find = db.Get(KeyedEventSql.FindKept);
            Add(find, "@name", wait.EventName);
            Add(find, "@key", wait.Key);
            Add(find, "@owner", KeyedEventSql.Owner(t.Flow.Owner));
            Add(find, "@now", Ms(now));
            using (var r = find.ExecuteReader())
            {
                if (r.Read())
                {
                    InsertEvent(db, flowId, wait.EventName, RelationalRows.ParseJson(r, 0), now, wait.Key);
                    delivered = true;
                    continue;
                }
            }

            var add = db.Get(KeyedEventSql.AddWait);
            Add(add, "@flow", flowId);
            Add(add, "@step", wait.StepKey);
            Add(add, "@name", wait.EventName);
            Add(add, "@key", wait.Key);
            Add(add, "@owner", t.Flow.Owner);
            add.ExecuteNonQuery();
        }

        return delivered;
    }
}
