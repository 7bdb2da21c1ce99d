using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Sqlite;

/// <summary>
/// A flow's history, one row per commit. The events a commit records (a step that finished and the next one
/// started, most often) share a row: the row is keyed by the last event's seq and holds that event in its
/// columns and the earlier ones in <c>earlier</c> (a JSON array, null when the commit recorded one event).
/// Readers expand the rows back into the events in seq order, so the history reads exactly as before,
/// while a step writes one history row instead of two.
/// </summary>
internal static class SqliteHistory
{
    private const string InsertSql = "INSERT INTO history (flow_id, seq, at, kind, step_key, detail, earlier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

    // The JSON of `earlier`, built in a buffer each thread reuses (a commit runs on one thread at a time).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? json;

    /// <summary>Writes the events of one commit (in seq order) as one row.</summary>
    public static void Insert(SqliteCommandCache db, string flowId, IReadOnlyList<HistoryEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            RowOwnership.CheckHistory(flowId, events[i]);
            if (i > 0 && events[i].Seq <= events[i - 1].Seq)
            {
                // Not in seq order (no caller does this): one row each keeps every event findable by its seq.
                foreach (var e in events)
                {
                    Write(db, flowId, e, default, isNull: true);
                }

                return;
            }
        }

        Write(db, flowId, events[^1], events.Count == 1 ? default : Earlier(events), isNull: events.Count == 1);
    }

    /// <summary>The events after <paramref name="afterSeq"/>, in seq order, at most <paramref name="limit"/>.</summary>
    public static List<HistoryEvent> Load(SqliteCommandCache db, string flowId, long afterSeq, int limit)
    {
        // A row is keyed by its last event: every row with a key above afterSeq holds at least one event
        // after it, so `limit` rows hold at least `limit` of them.
        var cmd = db.Get("SELECT flow_id, seq, at, kind, step_key, detail, earlier FROM history WHERE flow_id = @id AND seq > @after ORDER BY seq LIMIT @limit");
        Add(cmd, "@id", flowId);
        Add(cmd, "@after", afterSeq);
        Add(cmd, "@limit", limit);
        var list = new List<HistoryEvent>();
        using var r = cmd.ExecuteReader();
        while (r.Read() && list.Count < limit)
        {
            if (!r.IsDBNull(6))
            {
                ReadEarlier(flowId, r.GetString(6), afterSeq, limit, list);
            }

            if (list.Count < limit)
            {
                list.Add(ReadHistory(r));
            }
        }

        return list;
    }

    private static void Write(SqliteCommandCache db, string flowId, HistoryEvent e, ReadOnlySpan<byte> earlier, bool isNull) =>
        db.Prepared(InsertSql)
            .Text(1, flowId)
            .Int(2, e.Seq)
            .Int(3, Ms(e.At))
            .Text(4, e.Kind)
            .Text(5, e.StepKey)
            .Text(6, e.Detail?.ToJsonString())
            .Utf8(7, earlier, isNull)
            .Execute();

    private static ReadOnlySpan<byte> Earlier(IReadOnlyList<HistoryEvent> events)
    {
        if (buffer is { Capacity: > 64 * 1024 })
        {
            // A large detail once: do not keep its buffer for good.
            buffer = null;
            json = null;
        }

        var b = buffer ??= new ArrayBufferWriter<byte>(256);
        b.ResetWrittenCount();
        var w = json ??= new Utf8JsonWriter(b);
        w.Reset(b);
        w.WriteStartArray();
        for (var i = 0; i < events.Count - 1; i++)
        {
            var e = events[i];
            w.WriteStartObject();
            w.WriteNumber("seq", e.Seq);
            w.WriteNumber("at", Ms(e.At));
            w.WriteString("kind", e.Kind);
            if (e.StepKey is not null)
            {
                w.WriteString("step", e.StepKey);
            }

            if (e.Detail is not null)
            {
                w.WritePropertyName("detail");
                e.Detail.WriteTo(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.Flush();
        return b.WrittenSpan;
    }

    private static void ReadEarlier(string flowId, string json, long afterSeq, int limit, List<HistoryEvent> list)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var seq = e.GetProperty("seq").GetInt64();
            if (seq <= afterSeq)
            {
                continue;
            }

            if (list.Count == limit)
            {
                return;
            }

            list.Add(new HistoryEvent(
                flowId,
                seq,
                Time(e.GetProperty("at").GetInt64()),
                e.GetProperty("kind").GetString()!,
                e.TryGetProperty("step", out var step) ? step.GetString() : null,
                e.TryGetProperty("detail", out var detail) ? JsonNode.Parse(detail.GetRawText()) : null));
        }
    }
}
