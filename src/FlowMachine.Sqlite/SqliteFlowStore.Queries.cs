using System.Buffers.Text;
using System.Globalization;
using System.Text;
using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The read-only role (IFlowQueryStore): flows, steps, pages, history and counts.
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync(db => LoadFlow(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(db => LoadFlowByKey(db, key), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StepRecord>>(db => LoadSteps(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var after = query.After is null ? ((long CreatedAt, string Id)?)null : DecodeCursor(query.After);

        // Only the filters in use appear in the SQL, so each combination gets its own cached statement.
        var sql = new StringBuilder("SELECT ").Append(FlowColumns).Append(" FROM flows WHERE 1 = 1");
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
        var text = sql.ToString();

        return ReadAsync(db =>
        {
            var cmd = db.Get(text);
            if (query.State is { } state)
            {
                Add(cmd, "@state", state.ToName());
            }

            Add(cmd, "@routine", query.Routine);
            Add(cmd, "@key", query.Key);
            Add(cmd, "@owner", query.Owner);
            Add(cmd, "@parent", query.ParentFlowId);
            if (after is { } cursor)
            {
                Add(cmd, "@after_at", cursor.CreatedAt);
                Add(cmd, "@after_id", cursor.Id);
            }

            // One more row than asked tells whether another page follows.
            Add(cmd, "@limit", limit + 1);
            var rows = ReadFlows(db, cmd);
            string? next = null;
            if (rows.Count > limit)
            {
                rows.RemoveRange(limit, rows.Count - limit);
                next = EncodeCursor(Ms(rows[^1].CreatedAt), rows[^1].Id);
            }

            return new FlowPage(rows, next);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        limit <= 0
            ? ValueTask.FromResult<IReadOnlyList<HistoryEvent>>([])
            : ReadAsync<IReadOnlyList<HistoryEvent>>(db => LoadHistory(db, flowId, afterSeq, limit), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<FlowState, long>>(db =>
        {
            var cmd = owner is null
                ? db.Get("SELECT state, COUNT(*) FROM flows GROUP BY state")
                : db.Get("SELECT state, COUNT(*) FROM flows WHERE owner = @owner GROUP BY state");
            Add(cmd, "@owner", owner);
            var counts = Enum.GetValues<FlowState>().ToDictionary(s => s, _ => 0L);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (StateNames.TryParseFlowState(r.GetString(0), out var state))
                {
                    counts[state] = r.GetInt64(1);
                }
            }

            return counts;
        }, cancellationToken);

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
