using System.Text;

namespace FlowMachine.Postgres.Tests.Telemetry;

/// <summary>One span of an OTLP/HTTP trace export, with the <c>service.name</c> of the process that sent it.</summary>
internal sealed record OtlpSpan(
    string Service,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    IReadOnlyDictionary<string, object> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links)
{
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Reads the spans out of an <c>ExportTraceServiceRequest</c> (protobuf, as OTLP/HTTP sends it): just the fields the
/// tests look at — resource spans (1) → resource (1) and scope spans (2) → spans (2) → trace id (1), span id (2),
/// parent span id (4), name (5), attributes (9), links (13). Ids come back as lowercase hex.
/// </summary>
internal static class OtlpSpans
{
    public static List<OtlpSpan> Read(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var (field, resourceSpans, _) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = "";
            var scopes = new List<byte[]>();
            foreach (var (f, value, _) in Fields(resourceSpans))
            {
                if (f == 1)
                {
                    service = Attributes(value, 1).TryGetValue("service.name", out var name) ? (string)name : "";
                }
                else if (f == 2)
                {
                    scopes.Add(value);
                }
            }

            foreach (var scope in scopes)
            {
                spans.AddRange(Fields(scope).Where(x => x.Field == 2).Select(x => Span(service, x.Value)));
            }
        }

        return spans;
    }

    private static OtlpSpan Span(string service, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var links = new List<(string, string)>();
        foreach (var (field, value, _) in Fields(span))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Encoding.UTF8.GetString(value); break;
                case 13:
                    var link = Fields(value).ToList();
                    links.Add((Convert.ToHexStringLower(link.First(l => l.Field == 1).Value), Convert.ToHexStringLower(link.First(l => l.Field == 2).Value)));
                    break;
            }
        }

        return new OtlpSpan(service, traceId, spanId, parent, name, Attributes(span, 9), links);
    }

    // KeyValue { key = 1; AnyValue value = 2 }; AnyValue { string = 1; bool = 2; int = 3; double = 4; ... }.
    private static Dictionary<string, object> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (f, kv, _) in Fields(message))
        {
            if (f != field)
            {
                continue;
            }

            var parts = Fields(kv).ToList();
            var key = Encoding.UTF8.GetString(parts.First(p => p.Field == 1).Value);
            if (parts.FirstOrDefault(p => p.Field == 2).Value is { } any && Fields(any).FirstOrDefault() is { Value: not null } v)
            {
                attributes[key] = v.Field switch
                {
                    1 => Encoding.UTF8.GetString(v.Value),
                    2 => v.Number != 0,
                    3 => v.Number,
                    _ => Convert.ToHexStringLower(v.Value),
                };
            }
        }

        return attributes;
    }

    /// <summary>The fields of a message: length-delimited ones with their bytes, numbers (varint, fixed) with their value.</summary>
    private static IEnumerable<(int Field, byte[] Value, long Number)> Fields(byte[] message)
    {
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return (field, [], (long)Varint(message, ref i));
                    break;
                case 1:
                    yield return (field, message[i..(i + 8)], BitConverter.ToInt64(message, i));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    yield return (field, message[i..(i + length)], 0);
                    i += length;
                    break;
                case 5:
                    yield return (field, message[i..(i + 4)], BitConverter.ToInt32(message, i));
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {tag & 7} at byte {i}");
            }
        }
    }

    private static ulong Varint(byte[] message, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
