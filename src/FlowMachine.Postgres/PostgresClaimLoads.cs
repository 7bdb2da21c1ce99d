using FlowMachine.Storage;
using Npgsql;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Postgres;

/// <summary>
/// What a run needs of flows just claimed (their steps, commands, events and last history number), read by four
/// statements sent in one round trip with the claim's other statements.
/// </summary>
internal sealed class PostgresClaimLoads
{
    private readonly Dictionary<string, List<StepRecord>> steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FlowCommand>> commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FlowEvent>> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> lastSeq = new(StringComparer.Ordinal);

    /// <summary>
    /// The four statements, for the flows whose ids <paramref name="ids"/> yields (a table expression of one column).
    /// One index lookup per flow (LATERAL), whatever plan a prepared statement settles on: a generic plan for
    /// "flow_id = ANY(@ids)" may scan whole tables.
    /// </summary>
    public static string[] Sql(string ids) =>
    [
        $"SELECT s.* FROM {ids} AS f(id), LATERAL (SELECT {PostgresQueries.StepColumns} FROM steps WHERE flow_id = f.id) s ORDER BY s.flow_id, s.idx, s.key",
        $"SELECT c.* FROM {ids} AS f(id), LATERAL (SELECT id, flow_id, kind, step_key, payload, actor, at FROM commands WHERE flow_id = f.id) c ORDER BY c.id",
        $"SELECT e.* FROM {ids} AS f(id), LATERAL (SELECT {Storage.Relational.RelationalSql.EventColumns} FROM events WHERE flow_id = f.id) e ORDER BY e.id",
        $"SELECT f.id, m.seq FROM {ids} AS f(id), LATERAL (SELECT MAX(seq) AS seq FROM history WHERE flow_id = f.id) m WHERE m.seq IS NOT NULL",
    ];

    /// <summary>Reads the four statements' results, the reader standing at the first of them; leaves it at the last.</summary>
    public async Task ReadAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            Bucket(steps, r.GetString(0)).Add(ReadStep(r));
        }

        await r.NextResultAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            Bucket(commands, r.GetString(1)).Add(ReadCommand(r));
        }

        await r.NextResultAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            Bucket(events, r.GetString(1)).Add(ReadEvent(r));
        }

        await r.NextResultAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            lastSeq[r.GetString(0)] = r.GetInt64(1);
        }
    }

    /// <summary>The claimed flow with what was read for it.</summary>
    public ClaimedFlow Of(FlowRecord flow) => new(
        flow,
        steps.TryGetValue(flow.Id, out var s) ? s : [],
        commands.TryGetValue(flow.Id, out var c) ? c : [],
        events.TryGetValue(flow.Id, out var e) ? e : [],
        lastSeq.GetValueOrDefault(flow.Id));

    private static List<T> Bucket<T>(Dictionary<string, List<T>> map, string id)
    {
        if (!map.TryGetValue(id, out var list))
        {
            list = [];
            map.Add(id, list);
        }

        return list;
    }
}
