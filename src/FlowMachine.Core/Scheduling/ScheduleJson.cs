using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Specs;

namespace FlowMachine.Scheduling;

/// <summary>
/// A schedule definition as JSON (the API body, a YAML file, the stored form): <c>routine</c>, <c>version</c>,
/// <c>spec</c>, <c>input</c>, <c>cron</c>, <c>every</c>, <c>timeZone</c>, <c>start</c>, <c>end</c>,
/// <c>overlap</c>, <c>catchup</c> (<c>{ window, max }</c>), <c>tags</c> and <c>priority</c>. Reading checks the shape of each
/// field and names the field at fault; <see cref="ScheduleRules"/> checks the definition as a whole.
/// </summary>
public static class ScheduleJson
{
    /// <summary>The definition's fields.</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["routine", "version", "spec", "input", "cron", "every", "timeZone", "start", "end", "overlap", "catchup", "tags", "priority"];

    /// <summary>Reads a definition; <paramref name="extraFields"/> are fields the caller reads itself (such as <c>name</c>).</summary>
    public static (ScheduleDefinition? Definition, IReadOnlyList<SpecError> Errors) Read(JsonObject body, params IReadOnlyCollection<string> extraFields)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<SpecError>();
        foreach (var (field, _) in body)
        {
            if (!Fields.Contains(field) && !extraFields.Contains(field))
            {
                errors.Add(new SpecError(field, $"unknown field '{field}'; a schedule has {string.Join(", ", [.. extraFields, .. Fields])}"));
            }
        }

        var definition = new ScheduleDefinition
        {
            Routine = Text(body, "routine", errors),
            Version = Integer(body, "version", errors),
            Spec = body["spec"]?.DeepClone(),
            Input = body["input"]?.DeepClone(),
            Cron = Text(body, "cron", errors),
            Every = Duration(body, "every", errors),
            TimeZone = Text(body, "timeZone", errors) ?? "UTC",
            StartAt = Time(body, "start", errors),
            EndAt = Time(body, "end", errors),
            Overlap = Overlap(body, errors),
            Catchup = Catchup(body, errors),
            Tags = Tags(body, errors),
            Priority = Integer(body, "priority", errors),
        };
        return errors.Count == 0 ? (definition, errors) : (null, errors);
    }

    /// <summary>A stored definition, or null when the text is not one.</summary>
    public static ScheduleDefinition? ReadStored(string json) =>
        JsonNode.Parse(json) is JsonObject body && Read(body) is ({ } definition, { Count: 0 }) ? definition : null;

    /// <summary>The canonical JSON of a definition (fields left out when unset or default).</summary>
    public static JsonObject Write(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var json = new JsonObject();
        Put(json, "routine", definition.Routine);
        Put(json, "version", definition.Version);
        Put(json, "spec", definition.Spec?.DeepClone());
        Put(json, "input", definition.Input?.DeepClone());
        Put(json, "cron", definition.Cron);
        Put(json, "every", definition.Every is { } every ? Durations.Format(every) : null);
        json["timeZone"] = definition.TimeZone;
        Put(json, "start", definition.StartAt is { } start ? TimeText(start) : null);
        Put(json, "end", definition.EndAt is { } end ? TimeText(end) : null);
        json["overlap"] = OverlapName(definition.Overlap);
        if (definition.Catchup is { } catchup)
        {
            json["catchup"] = new JsonObject { ["window"] = Durations.Format(catchup.Window), ["max"] = catchup.Max };
        }

        if (definition.Tags.Count > 0)
        {
            json["tags"] = new JsonArray([.. definition.Tags.Select(t => (JsonNode?)JsonValue.Create(t))]);
        }

        Put(json, "priority", definition.Priority);

        return json;
    }

    /// <summary>The lower-case name of an overlap policy: <c>skip</c>.</summary>
    public static string OverlapName(ScheduleOverlap overlap) => overlap.ToString().ToLowerInvariant();

    /// <summary>A time as ISO 8601 UTC: <c>2026-03-29T02:30:00Z</c>, with a fraction only when it has one.</summary>
    public static string TimeText(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses an ISO 8601 time; one without an offset is UTC.</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static void Put(JsonObject json, string name, JsonNode? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static string? Text(JsonObject body, string field, List<SpecError> errors)
    {
        var node = body[field];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(new SpecError(field, $"'{field}' must be a string"));
            return null;
        }

        return node.GetValue<string>();
    }

    private static int? Integer(JsonObject body, string field, List<SpecError> errors)
    {
        var node = body[field];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var number))
        {
            return number;
        }

        if (node.GetValueKind() == JsonValueKind.String && int.TryParse(node.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        errors.Add(new SpecError(field, $"'{field}' must be a whole number"));
        return null;
    }

    private static TimeSpan? Duration(JsonObject body, string field, List<SpecError> errors)
    {
        var text = Text(body, field, errors);
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var duration))
        {
            return duration;
        }

        errors.Add(new SpecError(field, $"'{text}' is not a duration; write it like 90s, 15m, 1h or 1h30m"));
        return null;
    }

    private static DateTimeOffset? Time(JsonObject body, string field, List<SpecError> errors)
    {
        var text = Text(body, field, errors);
        if (text is null)
        {
            return null;
        }

        if (TryParseTime(text, out var time))
        {
            return time;
        }

        errors.Add(new SpecError(field, $"'{text}' is not a time; write it in ISO 8601, like 2026-12-24T18:00:00Z"));
        return null;
    }

    private static ScheduleOverlap Overlap(JsonObject body, List<SpecError> errors)
    {
        var text = Text(body, "overlap", errors);
        if (text is null)
        {
            return ScheduleOverlap.Skip;
        }

        if (Enum.TryParse<ScheduleOverlap>(text, ignoreCase: true, out var overlap) && Enum.IsDefined(overlap) && !text.All(char.IsAsciiDigit))
        {
            return overlap;
        }

        errors.Add(new SpecError("overlap", $"overlap '{text}' is not one of skip, buffer, allow, cancel"));
        return ScheduleOverlap.Skip;
    }

    private static ScheduleCatchup? Catchup(JsonObject body, List<SpecError> errors)
    {
        var node = body["catchup"];
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject catchup)
        {
            errors.Add(new SpecError("catchup", "'catchup' must be an object: { window: 1h, max: 10 }"));
            return null;
        }

        var window = Duration(catchup, "window", errors);
        var max = Integer(catchup, "max", errors);
        if (window is null)
        {
            errors.Add(new SpecError("catchup.window", "'catchup' needs a window, like 1h"));
            return null;
        }

        return new ScheduleCatchup(window.Value, max ?? int.MaxValue);
    }

    private static IReadOnlyList<string> Tags(JsonObject body, List<SpecError> errors)
    {
        var node = body["tags"];
        if (node is null)
        {
            return [];
        }

        if (node is JsonArray list && list.All(t => t?.GetValueKind() == JsonValueKind.String))
        {
            return [.. list.Select(t => t!.GetValue<string>())];
        }

        errors.Add(new SpecError("tags", "'tags' must be a list of strings"));
        return [];
    }
}
