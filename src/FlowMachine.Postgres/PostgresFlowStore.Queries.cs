using System.Buffers.Text;
using System.Globalization;
using System.Text;
using FlowMachine.Storage;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The read-only role (IFlowQueryStore): flows, steps, pages, history and counts.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FlowColumns} FROM flows WHERE id = @id", p => p.Add(P("id", flowId)), ReadFlow, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FlowColumns} FROM flows WHERE key = @key", p => p.Add(P("key", key)), ReadFlow, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StepColumns} FROM steps WHERE flow_id = @id ORDER BY idx, key", p => p.Add(P("id", flowId)), ReadStep, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var after = query.After is null ? ((long CreatedAt, string Id)?)null : DecodeCursor(query.After);

        // Only the filters in use appear in the SQL, so the planner sees each combination plainly.
        var sql = new StringBuilder("SELECT ").Append(FlowColumns).Append(" FROM flows WHERE true");
        if (query.State is not null)
        {
            sql.Append(" AND state = @state");
        }

        if (query.Routine is not null)
        {
            sql.Append(" AND routine = @routine");
        }

        if (query.Key is not null)
        {
            sql.Append(" AND key = @key");
        }

        if (query.Owner is not null)
        {
            sql.Append(" AND owner = @owner");
        }

        if (query.ParentFlowId is not null)
        {
            sql.Append(" AND parent_flow_id = @parent");
        }

        if (after is not null)
        {
            sql.Append(" AND (created_at, id) < (@after_at, @after_id)");
        }

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit");
        var rows = await QueryAsync(sql.ToString(), p =>
        {
            p.Add(P("state", query.State?.ToName()));
            p.Add(P("routine", query.Routine));
            p.Add(P("key", query.Key));
            p.Add(P("owner", query.Owner));
            p.Add(P("parent", query.ParentFlowId));
            p.Add(P("after_at", after?.CreatedAt));
            p.Add(P("after_id", after?.Id));

            // One more row than asked tells whether another page follows.
            p.Add(P("limit", (int?)(limit + 1)));
        }, ReadFlow, cancellationToken).ConfigureAwait(false);

        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveRange(limit, rows.Count - limit);
            next = EncodeCursor(Ms(rows[^1].CreatedAt), rows[^1].Id);
        }

        return new FlowPage(rows, next);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        limit <= 0
            ? []
            : await QueryAsync(
                "SELECT flow_id, seq, at, kind, step_key, detail FROM history WHERE flow_id = @id AND seq > @after ORDER BY seq LIMIT @limit",
                p =>
                {
                    p.Add(P("id", flowId));
                    p.Add(P("after", (long?)afterSeq));
                    p.Add(P("limit", (int?)limit));
                },
                ReadHistory,
                cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            owner is null ? "SELECT state, COUNT(*) FROM flows GROUP BY state" : "SELECT state, COUNT(*) FROM flows WHERE owner = @owner GROUP BY state",
            p => p.Add(P("owner", owner)),
            r => (State: r.GetString(0), Count: r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        var counts = Enum.GetValues<FlowState>().ToDictionary(s => s, _ => 0L);
        foreach (var (name, count) in rows)
        {
            if (StateNames.TryParseFlowState(name, out var state))
            {
                counts[state] = count;
            }
        }

        return counts;
    }

    private static string EncodeCursor(long createdAtMs, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(createdAtMs.ToString(CultureInfo.InvariantCulture) + ":" + id));

    private static (long CreatedAt, string Id) DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < text.Length - 1
                && long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at))
            {
                return (at, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as any other bad cursor.
        }

        throw new ArgumentException($"The paging cursor '{cursor}' is not valid: pass the Next value of a previous page unchanged.", nameof(cursor));
    }
}
