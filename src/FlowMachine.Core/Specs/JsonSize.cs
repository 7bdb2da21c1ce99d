using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>The size of a JSON document as compact UTF-8, measured without keeping the bytes.</summary>
internal static class JsonSize
{
    /// <summary>The byte count of <paramref name="node"/> written as compact JSON; 4 for null, 0 when it has no JSON form.</summary>
    public static long Of(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return 4;
            case JsonValue value when value.GetValueKind() is not JsonValueKind.String:
                return 32; // numbers and booleans are small; exactness does not matter below any sane limit
        }

        var counter = new CountingWriter();
        try
        {
            using var writer = new Utf8JsonWriter(counter, new JsonWriterOptions { SkipValidation = true });
            node.WriteTo(writer);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException or JsonException)
        {
            // A value without a JSON form (NaN, a CLR object): the reader or the store reports it with a better message.
            return 0;
        }

        return counter.Count;
    }

    /// <summary>Hands out one scratch buffer again and again and only counts what is written to it.</summary>
    private sealed class CountingWriter : IBufferWriter<byte>
    {
        private byte[] scratch = new byte[4096];

        public long Count { get; private set; }

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        private byte[] Scratch(int sizeHint)
        {
            if (sizeHint > scratch.Length)
            {
                scratch = new byte[sizeHint];
            }

            return scratch;
        }
    }
}
