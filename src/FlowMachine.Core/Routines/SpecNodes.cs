using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Routines;

/// <summary>The spec fields a routine builder writes, in the spec format's own names, for the flow and for its steps.</summary>
internal static class SpecNodes
{
    /// <summary>The options typed params bind with (camelCase, enums by name), nulls left out.</summary>
    public static readonly JsonSerializerOptions ParamOptions = new(TaskParams.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A value as a detached JSON node; a <see cref="Ref"/> anywhere in it becomes its text.</summary>
    public static JsonNode? Value(object? value) => value switch
    {
        null => null,
        JsonNode node => node.Parent is null ? node : node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), ParamOptions),
    };

    /// <summary>A params object: from a JSON object, a dictionary or any object whose properties are the params.</summary>
    /// <exception cref="ArgumentException">The value is not an object.</exception>
    public static JsonObject Params(object? value, string paramName) => Value(value) switch
    {
        null => [],
        JsonObject obj => obj,
        var other => throw new ArgumentException($"params must be an object (an anonymous object, a dictionary or a params class), not {other.GetValueKind()}", paramName),
    };

    /// <summary>The name a param property is written under: its [JsonPropertyName], else the task values' naming policy.</summary>
    public static string ParamName(MemberInfo member) =>
        member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? ParamOptions.PropertyNamingPolicy?.ConvertName(member.Name) ?? member.Name;

    /// <summary>Seconds as a spec writes them: a whole number when whole.</summary>
    public static JsonNode Seconds(TimeSpan duration, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero, paramName);
        var seconds = duration.TotalSeconds;
        return seconds == Math.Floor(seconds) && seconds <= long.MaxValue ? JsonValue.Create((long)seconds) : JsonValue.Create(seconds);
    }

    public static JsonObject Retry(int attempts, TimeSpan? delay, double? factor, TimeSpan? maxDelay)
    {
        var retry = new JsonObject { ["attempts"] = attempts };
        if (delay is { } d)
        {
            retry["delay"] = Seconds(d, nameof(delay));
        }

        if (factor is { } f)
        {
            retry["factor"] = f;
        }

        if (maxDelay is { } m)
        {
            retry["max_delay"] = Seconds(m, nameof(maxDelay));
        }

        return retry;
    }

    public static JsonObject Concurrency(int limit, Ref? key)
    {
        var concurrency = new JsonObject();
        if (key is { } k)
        {
            concurrency["key"] = k.Path;
        }

        concurrency["limit"] = limit;
        return concurrency;
    }

    public static JsonObject Rate(int limit, TimeSpan per, Ref? key)
    {
        var rate = new JsonObject { ["limit"] = limit, ["per"] = Seconds(per, nameof(per)) };
        if (key is { } k)
        {
            rate["key"] = k.Path;
        }

        return rate;
    }
}
