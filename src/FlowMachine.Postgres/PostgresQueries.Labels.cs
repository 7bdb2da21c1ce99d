using System.Text.Json;
using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.CommitBatch;

namespace FlowMachine.Postgres;

// Tags and attributes: flow_tags and flow_attributes, each row carrying its flow's creation time so a
// page filtered by one is read in order from its own index (FlowListQuery).
internal static partial class PostgresQueries
{
    /// <summary>Two columns after <see cref="FlowColumns"/>: the flow's tags (an array) and attributes (a JSON object), read by <see cref="ReadLabeledFlow"/>.</summary>
    public const string LabelColumns =
        ", (SELECT array_agg(tag ORDER BY tag) FROM flow_tags WHERE flow_tags.flow_id = flows.id)" +
        ", (SELECT json_object_agg(name, value)::text FROM flow_attributes WHERE flow_attributes.flow_id = flows.id)";

    // Only the flows that exist: a flow whose key was taken was not inserted, and neither are its tags.
    private const string InsertTagsSql =
        "INSERT INTO flow_tags (flow_id, tag, at) SELECT x.flow_id, x.tag, x.at FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(flow_id, tag, at) " +
        "WHERE EXISTS (SELECT 1 FROM flows WHERE flows.id = x.flow_id AND flows.created_at = x.at) ON CONFLICT DO NOTHING";

    private const string UpsertAttributesSql =
        "INSERT INTO flow_attributes (flow_id, name, value, at) SELECT flows.id, x.name, x.value, flows.created_at " +
        "FROM flows, unnest($2::text[], $3::text[]) AS x(name, value) WHERE flows.id = $1 " +
        "ON CONFLICT (flow_id, name) DO UPDATE SET value = excluded.value";

    /// <summary>The statement that writes the tags of new flows, or null when they have none.</summary>
    public static NpgsqlBatchCommand? InsertTags(IEnumerable<FlowRecord> flows)
    {
        var ids = new List<string>();
        var tags = new List<string>();
        var at = new List<long>();
        foreach (var f in flows)
        {
            foreach (var tag in f.Tags)
            {
                ids.Add(f.Id);
                tags.Add(tag);
                at.Add(Ms(f.CreatedAt));
            }
        }

        if (ids.Count == 0)
        {
            return null;
        }

        var cmd = Command(InsertTagsSql);
        cmd.Parameters.Add(Array(NpgsqlDbType.Text, ids.ToArray()));
        cmd.Parameters.Add(Array(NpgsqlDbType.Text, tags.ToArray()));
        cmd.Parameters.Add(Array(NpgsqlDbType.Bigint, at.ToArray()));
        return cmd;
    }

    /// <summary>The statement that adds or replaces attributes of a flow, or null when there are none.</summary>
    public static NpgsqlBatchCommand? UpsertAttributes(string flowId, IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.Count == 0)
        {
            return null;
        }

        var cmd = Command(UpsertAttributesSql);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = flowId });
        cmd.Parameters.Add(Array(NpgsqlDbType.Text, attributes.Keys.ToArray()));
        cmd.Parameters.Add(Array(NpgsqlDbType.Text, attributes.Values.ToArray()));
        return cmd;
    }

    /// <summary>A flow selected with <see cref="FlowColumns"/> then <see cref="LabelColumns"/>, with its tags and attributes.</summary>
    public static FlowRecord ReadLabeledFlow(NpgsqlDataReader r)
    {
        var flow = Storage.Relational.RelationalRows.ReadFlow(r);
        var tags = r.FieldCount - 2;
        var attributes = r.FieldCount - 1;
        flow.Tags = r.IsDBNull(tags) ? [] : r.GetFieldValue<string[]>(tags);
        flow.Attributes = r.IsDBNull(attributes)
            ? FlowTags.NoAttributes
            : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(attributes))!.AsReadOnly();
        return flow;
    }
}
