using System.Text;

namespace FlowMachine.Storage.Relational;

// The search filters: a tag or an attribute drives the page from its own table (flow_tags or
// flow_attributes, indexed by value then creation time and id, which they copy from the flow), so a
// page filtered by tag reads only its own rows however many flows there are; the created range and
// the error text narrow the rows read.
internal sealed partial class FlowListQuery
{
    /// <summary>Writes the tables and their join; returns the columns the page is ordered by.</summary>
    private (string At, string Id) From(StringBuilder sql, FlowQuery query, string alwaysTrue)
    {
        if (query.Tag is { } tag)
        {
            // CROSS JOIN keeps the tag table outermost where the dialect honours the written order (SQLite).
            sql.Append("flow_tags CROSS JOIN flows WHERE flows.id = flow_tags.flow_id AND flow_tags.tag = @tag");
            parameters.Add(new("tag", tag));
            return ("flow_tags.at", "flow_tags.flow_id");
        }

        if (query.Attribute is { } attribute)
        {
            sql.Append("flow_attributes CROSS JOIN flows WHERE flows.id = flow_attributes.flow_id")
                .Append(" AND flow_attributes.name = @attr_name AND flow_attributes.value = @attr_value");
            AddAttribute(attribute);
            return ("flow_attributes.at", "flow_attributes.flow_id");
        }

        sql.Append("flows WHERE ").Append(alwaysTrue);
        return ("flows.created_at", "flows.id");
    }

    private void Search(StringBuilder sql, FlowQuery query, string at, string like)
    {
        if (query.Tag is not null && query.Attribute is { } attribute)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM flow_attributes WHERE flow_attributes.flow_id = flows.id")
                .Append(" AND flow_attributes.name = @attr_name AND flow_attributes.value = @attr_value)");
            AddAttribute(attribute);
        }

        if (query.CreatedAfter is { } from)
        {
            sql.Append(" AND ").Append(at).Append(" >= @created_after");
            parameters.Add(new("created_after", from.ToUnixTimeMilliseconds()));
        }

        if (query.CreatedBefore is { } to)
        {
            sql.Append(" AND ").Append(at).Append(" < @created_before");
            parameters.Add(new("created_before", to.ToUnixTimeMilliseconds()));
        }

        if (query.Error is { } error)
        {
            sql.Append(" AND flows.error ").Append(like).Append(" @error ESCAPE '\\'");
            parameters.Add(new("error", "%" + Escape(error) + "%"));
        }
    }

    private void AddAttribute(KeyValuePair<string, string> attribute)
    {
        parameters.Add(new("attr_name", attribute.Key));
        parameters.Add(new("attr_value", attribute.Value));
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
