using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Reads built-in task params strictly. Every reader throws <see cref="TaskParamException"/> with a
/// message naming <c>task_params.&lt;name&gt;</c>; the tasks turn that into <see cref="Outcome.Fail"/>.
/// </summary>
internal static class ParamReader
{
    /// <summary>True when the param is present, even as JSON null.</summary>
    public static bool Present(TaskContext context, string name) => context.Params.ContainsKey(name);

    /// <summary>True when the param is present and not JSON null.</summary>
    public static bool Given(TaskContext context, string name) => context.Params[name] is not null;

    public static string? String(TaskContext context, string name)
    {
        var node = context.Params[name];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Bad(context, name, "a string", node);
    }

    public static string RequiredString(TaskContext context, string name)
    {
        var value = String(context, name) ?? throw Missing(context, name);
        return value.Length > 0 ? value : throw Bad(context, name, "a non-empty string", context.Params[name]);
    }

    public static double? Number(TaskContext context, string name)
    {
        var node = context.Params[name];
        if (node is null)
        {
            return null;
        }

        // Deserialize rather than GetValue<double>: values built in code may hold an int or a long.
        var value = node.GetValueKind() == JsonValueKind.Number ? node.Deserialize<double>() : throw Bad(context, name, "a number", node);
        return double.IsFinite(value) ? value : throw Bad(context, name, "a finite number", node);
    }

    public static int? Integer(TaskContext context, string name, int min, int max)
    {
        var value = Number(context, name);
        if (value is null)
        {
            return null;
        }

        if (value != Math.Floor(value.Value) || value < min || value > max)
        {
            throw Bad(context, name, $"a whole number from {min} to {max}", context.Params[name]);
        }

        return (int)value.Value;
    }

    public static JsonObject? Object(TaskContext context, string name)
    {
        var node = context.Params[name];
        return node switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw Bad(context, name, "an object", node),
        };
    }

    public static JsonArray? Array(TaskContext context, string name)
    {
        var node = context.Params[name];
        return node switch
        {
            null => null,
            JsonArray array => array,
            _ => throw Bad(context, name, "an array", node),
        };
    }

    /// <summary>Reads an ISO-8601 time; one without an offset is taken as UTC.</summary>
    public static DateTimeOffset? Time(TaskContext context, string name)
    {
        var text = String(context, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw Bad(context, name, "an ISO-8601 time such as 2030-01-31T12:00:00Z", context.Params[name]);
    }

    public static TaskParamException Missing(TaskContext context, string name) =>
        new($"task_params.{name} is required by step '{context.StepKey}' ({context.TaskType})");

    public static TaskParamException Bad(TaskContext context, string name, string expected, JsonNode? node) =>
        new($"task_params.{name} of step '{context.StepKey}' ({context.TaskType}) must be {expected}, got {Describe(node)}");

    public static TaskParamException Invalid(TaskContext context, string message) =>
        new($"{message} (step '{context.StepKey}', {context.TaskType})");

    /// <summary>A short description of a JSON value for error messages.</summary>
    public static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var json = node.ToJsonString();
        if (json.Length > 80)
        {
            json = string.Concat(json.AsSpan(0, 77), "...");
        }

        return $"{node.GetValueKind().ToString().ToLowerInvariant()} {json}";
    }
}
