using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine;

/// <summary>
/// Binds a step's <c>task_params</c> to a typed class and validates it, as <see cref="FlowTask{TParams, TResult}"/>
/// does before it runs; usable from any task.
/// </summary>
public static class TaskParams
{
    /// <summary>
    /// The options params bind with: those of <see cref="OutcomeJson.Options"/> (camelCase names, case-insensitive,
    /// numbers also from strings) and enums read and written by name (numbers are read too).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The params class of a <see cref="FlowTask{TParams, TResult}"/> subclass, or null for any other type.</summary>
    public static Type? TypeOf(Type taskType)
    {
        ArgumentNullException.ThrowIfNull(taskType);
        for (var type = taskType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(FlowTask<,>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    /// <summary>
    /// Binds <paramref name="parameters"/> to <typeparamref name="T"/> and validates it with its DataAnnotations
    /// attributes (nested objects and list items too, then <see cref="IValidatableObject"/>).
    /// </summary>
    /// <exception cref="TaskParamException">
    /// A param is missing, of the wrong type or breaks a rule; the message names each, such as
    /// <c>param 'amount': The field amount must be between 1 and 1000.</c>
    /// </exception>
    public static T Bind<T>(JsonObject parameters)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var missing = MissingRequired(typeof(T), parameters);
        if (missing.Count > 0)
        {
            throw new TaskParamException(string.Join("; ", missing));
        }

        T? bound;
        try
        {
            bound = parameters.Deserialize<T>(Options);
        }
        catch (JsonException ex)
        {
            throw new TaskParamException($"{Describe(ParamPath(ex.Path))}: {Reason(ex.Message)}", ex);
        }

        if (bound is null)
        {
            throw new TaskParamException($"params: cannot be read as {typeof(T).Name}");
        }

        var errors = new List<string>();
        ParamValidator.Validate(bound, "", 0, errors);
        return errors.Count == 0 ? bound : throw new TaskParamException(string.Join("; ", errors));
    }

    internal static string Describe(string path) => path.Length == 0 ? "params" : $"param '{path}'";

    private static List<string> MissingRequired(Type type, JsonObject parameters)
    {
        var missing = new List<string>();
        foreach (var property in Options.GetTypeInfo(type).Properties)
        {
            if (property.IsRequired && !parameters.Any(p => string.Equals(p.Key, property.Name, StringComparison.OrdinalIgnoreCase)))
            {
                missing.Add($"param '{property.Name}': The {property.Name} field is required.");
            }
        }

        return missing;
    }

    // "$.address.zip" -> "address.zip"; "$" -> "".
    private static string ParamPath(string? path) =>
        path is null or "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    // The serializer's message ends with where it stopped ("Path: $.x | LineNumber: ..."): the param path says that already.
    private static string Reason(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(OutcomeJson.Options);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
