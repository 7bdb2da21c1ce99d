using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowMachine.Routines;

/// <summary>
/// A reference into a flow's context, written as the interpolation text a spec uses (<c>$input.order</c>,
/// <c>$data.greeting</c>, <c>$tasks.charge.result.id</c>). As a param value it is replaced by the value there
/// when the step runs; it converts to its text, so it fits a <see cref="string"/> param too.
/// </summary>
[JsonConverter(typeof(RefJsonConverter))]
public readonly record struct Ref
{
    private Ref(string path) => Path = path;

    /// <summary>The reference as a spec writes it, starting with <c>$</c>.</summary>
    public string Path { get; }

    /// <summary>The reference for use inside a longer string: <c>"Hello " + Ref.Input("name").Embed</c> gives <c>Hello ${input.name}</c>.</summary>
    public string Embed => "${" + Path[1..] + "}";

    /// <summary>The flow's input, or a field of it (<c>Ref.Input("order.id")</c> is <c>$input.order.id</c>).</summary>
    public static Ref Input(string? path = null) => new("$input" + Suffix(path));

    /// <summary>A field of the flow's data (<c>$data.PATH</c>).</summary>
    public static Ref Data(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new("$data" + Suffix(path));
    }

    /// <summary>The result of the step <paramref name="step"/>, or a field of it (<c>$tasks.STEP.result.PATH</c>).</summary>
    /// <remarks>Prefer <see cref="StepBuilder.Result"/>: a step handle cannot name a step the routine does not have.</remarks>
    public static Ref Result(string step, string? path = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        return new("$tasks." + step + ".result" + Suffix(path));
    }

    /// <summary>A field (or a dotted path of fields) of the value this reference names.</summary>
    public Ref Field(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(Path + Suffix(path));
    }

    /// <summary>An item of the list this reference names.</summary>
    public Ref Item(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new(Path + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The reference's text.</summary>
    public static implicit operator string(Ref reference) => reference.Path;

    /// <summary>The reference's text.</summary>
    public override string ToString() => Path ?? "";

    private static string Suffix(string? path) => string.IsNullOrEmpty(path) ? "" : "." + path.TrimStart('.');

    /// <summary>Writes a reference as its text wherever it sits in a param object.</summary>
    private sealed class RefJsonConverter : JsonConverter<Ref>
    {
        public override Ref Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A reference is written into a spec, not read from one.");

        public override void Write(Utf8JsonWriter writer, Ref value, JsonSerializerOptions options) => writer.WriteStringValue(value.Path);
    }
}
