using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The keyed-event role (IKeyedEventStore). A raise is one call of keyed_event_raise (migration 21), under the
// advisory lock of its (event, key) that a commit beginning a wait for it takes too (PostgresKeyedWaits).
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<KeyedEventResult> RaiseKeyedEventAsync(KeyedEvent raised, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raised);
        var rows = await QueryAsync(
            "SELECT keyed_event_raise(@name, @key, @value, @id, @owner, @until, @now, @channel)",
            p =>
            {
                p.Add(P("name", raised.Name));
                p.Add(P("key", raised.Key));
                p.Add(P("value", raised.Value?.ToJsonString()));
                p.Add(P("id", raised.Id));
                p.Add(P("owner", KeyedEventSql.Owner(raised.Owner)));
                p.Add(P("until", Ms(raised.KeepUntil)));
                p.Add(P("now", Ms(now)));
                p.Add(P("channel", channel));
            },
            r => r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return rows[0] < 0 ? new KeyedEventResult(0, Duplicate: true) : new KeyedEventResult(rows[0], Duplicate: false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<KeyedWait>> GetKeyedWaitsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync(KeyedEventSql.FlowWaits, p => p.Add(P("flow", flowId)), r => new KeyedWait(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken)
            .ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<KeptEventRecord>> ListKeptEventsAsync(KeyedEventFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return await QueryAsync(KeyedEventSql.ListKept, p =>
        {
            AddFilter(p, filter);
            p.Add(P("now", Ms(now)));
        }, RelationalRows.ReadKept, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<KeyedWaitRecord>> ListKeyedWaitsAsync(KeyedEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return await QueryAsync(KeyedEventSql.ListWaits, p => AddFilter(p, filter), RelationalRows.ReadWait, cancellationToken).ConfigureAwait(false);
    }

    private static void AddFilter(NpgsqlParameterCollection p, KeyedEventFilter filter)
    {
        p.Add(P("name", filter.Name));
        p.Add(P("key", filter.Key));
        p.Add(P("owner", filter.Owner));
        p.Add(P("limit", (int?)filter.Limit));
    }

    /// <inheritdoc/>
    public ValueTask<int> PurgeKeptEventsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            List<NpgsqlBatchCommand> commands = [.. KeyedEventSql.Purge.Select(sql =>
            {
                var cmd = Command(sql);
                cmd.Parameters.Add(P("now", Ms(now)));
                return cmd;
            })];
            return (await ExecuteBatchAsync(connection, null, commands, ct).ConfigureAwait(false))[0];
        }, cancellationToken);
}
