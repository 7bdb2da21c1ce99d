using FlowMachine.Storage;

namespace FlowMachine.Sqlite;

// Tags and attributes: flow_tags and flow_attributes, each row carrying its flow's creation time so a
// page filtered by one is read in order from its own index (FlowListQuery).
internal static partial class SqliteQueries
{
    private const string InsertTagSql = "INSERT INTO flow_tags (flow_id, tag, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";

    private const string UpsertAttributeSql =
        "INSERT INTO flow_attributes (flow_id, name, value, at) SELECT ?1, ?2, ?3, created_at FROM flows WHERE id = ?1 " +
        "ON CONFLICT (flow_id, name) DO UPDATE SET value = excluded.value";

    /// <summary>Writes a new flow's tags and attributes.</summary>
    public static void InsertLabels(SqliteCommandCache db, FlowRecord f)
    {
        foreach (var tag in f.Tags)
        {
            db.Prepared(InsertTagSql).Text(1, f.Id).Text(2, tag).Int(3, Ms(f.CreatedAt)).Execute();
        }

        UpsertAttributes(db, f.Id, f.Attributes);
    }

    /// <summary>Adds or replaces attributes of a flow.</summary>
    public static void UpsertAttributes(SqliteCommandCache db, string flowId, IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            db.Prepared(UpsertAttributeSql).Text(1, flowId).Text(2, name).Text(3, value).Execute();
        }
    }

    /// <summary>Fills in the tags and attributes of <paramref name="flow"/>; null stays null.</summary>
    public static FlowRecord? WithLabels(SqliteCommandCache db, FlowRecord? flow)
    {
        if (flow is null)
        {
            return null;
        }

        var tags = db.Get("SELECT tag FROM flow_tags WHERE flow_id = @id ORDER BY tag");
        Add(tags, "@id", flow.Id);
        var tagList = new List<string>();
        using (var r = tags.ExecuteReader())
        {
            while (r.Read())
            {
                tagList.Add(r.GetString(0));
            }
        }

        var attributes = db.Get("SELECT name, value FROM flow_attributes WHERE flow_id = @id");
        Add(attributes, "@id", flow.Id);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var r = attributes.ExecuteReader())
        {
            while (r.Read())
            {
                found[r.GetString(0)] = r.GetString(1);
            }
        }

        flow.Tags = tagList;
        flow.Attributes = found.Count == 0 ? FlowTags.NoAttributes : found.AsReadOnly();
        return flow;
    }
}
