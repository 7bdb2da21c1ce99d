using System.Text;

namespace FlowMachine.Storage.Relational;

/// <summary>
/// The SQL of one page of flows (<see cref="IFlowQueryStore.ListFlowsAsync"/>), newest first, with the
/// parameters it uses. Only the filters in use appear in the text, so each combination is planned and
/// cached as its own statement. The cursor's position is the creation time in Unix milliseconds.
/// </summary>
internal sealed partial class FlowListQuery
{
    private readonly List<KeyValuePair<string, object>> parameters = new(8);

    private FlowListQuery(FlowQuery query, string flowColumns, string alwaysTrue, string like)
    {
        PageSize = Math.Clamp(query.Limit, 1, 1000);
        var after = query.After is null ? (FlowCursor?)null : FlowCursor.Decode(query.After, signed: true);
        var sql = new StringBuilder("SELECT ").Append(flowColumns).Append(" FROM ");
        var (at, id) = From(sql, query, alwaysTrue);
        Filter(sql, "state", "state", query.State?.ToName());
        Filter(sql, "routine", "routine", query.Routine);
        if (query.Version is { } version)
        {
            sql.Append(" AND routine_version = @version");
            parameters.Add(new("version", version));
        }

        Filter(sql, "key", "key", query.Key);
        Filter(sql, "owner", "owner", query.Owner);
        Filter(sql, "parent_flow_id", "parent", query.ParentFlowId);
        Filter(sql, "schedule", "schedule", query.Schedule);
        Search(sql, query, at, like);
        if (after is { } cursor)
        {
            sql.Append(" AND (").Append(at).Append(", ").Append(id).Append(") < (@after_at, @after_id)");
            parameters.Add(new("after_at", cursor.Position));
            parameters.Add(new("after_id", cursor.Id));
        }

        sql.Append(" ORDER BY ").Append(at).Append(" DESC, ").Append(id).Append(" DESC LIMIT @limit");

        // One more row than asked tells whether another page follows.
        parameters.Add(new("limit", PageSize + 1));
        Sql = sql.ToString();
    }

    /// <summary>The statement; parameters are named <c>@name</c>.</summary>
    public string Sql { get; }

    /// <summary>How many flows a page holds (the query's limit, kept within 1 to 1000).</summary>
    public int PageSize { get; }

    /// <summary>The parameters <see cref="Sql"/> uses, by name without the <c>@</c>: each value a <see cref="string"/>, <see cref="long"/> or <see cref="int"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Parameters => parameters;

    /// <summary>The statement for <paramref name="query"/>.</summary>
    /// <param name="query">The filters and the cursor.</param>
    /// <param name="flowColumns">The dialect's select list of a flow row, in the order <see cref="RelationalRows.ReadFlow"/> reads.</param>
    /// <param name="alwaysTrue">The dialect's condition that always holds, which the filters follow.</param>
    /// <exception cref="ArgumentException">The query's cursor is not valid.</exception>
    /// <param name="like">The dialect's case-insensitive (at least for ASCII letters) LIKE operator, for the error filter.</param>
    public static FlowListQuery Create(FlowQuery query, string flowColumns, string alwaysTrue, string like = "LIKE")
    {
        ArgumentNullException.ThrowIfNull(query);
        return new FlowListQuery(query, flowColumns, alwaysTrue, like);
    }

    /// <summary>The page from the rows the statement returned (one more than a page when another follows); trims <paramref name="rows"/>.</summary>
    public FlowPage ToPage(List<FlowRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveRange(PageSize, rows.Count - PageSize);
            next = new FlowCursor(rows[^1].CreatedAt.ToUnixTimeMilliseconds(), rows[^1].Id).Encode();
        }

        return new FlowPage(rows, next);
    }

    private void Filter(StringBuilder sql, string column, string name, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = @").Append(name);
            parameters.Add(new(name, value));
        }
    }
}
