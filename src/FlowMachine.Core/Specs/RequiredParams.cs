using System.Text.Json.Nodes;
using FlowMachine.Registry;

namespace FlowMachine.Specs;

/// <summary>
/// Checks a typed task's literal params against its schema (<see cref="ParamsSchemaCheck"/>), and that every step gives the params its task type marks required, so a missing one is refused when
/// the spec is compiled (at start, when a routine is saved) instead of failing the step at run time. A
/// template such as <c>$input.msg</c> counts as given: its value is known only when the step runs.
/// </summary>
internal static class RequiredParams
{
    /// <summary>The errors of <paramref name="spec"/>, read from <paramref name="root"/>, against <paramref name="catalog"/>.</summary>
    public static List<SpecError> Check(FlowSpec spec, JsonNode? root, ITaskCatalog catalog, IReadOnlyDictionary<JsonNode, int>? lines)
    {
        var errors = new List<SpecError>();
        var listNode = root as JsonArray ?? (root as JsonObject)?["tasks"] as JsonArray;
        var listPath = root is JsonArray ? SpecPath.Root : "tasks";
        for (var i = 0; i < spec.Tasks.Count; i++)
        {
            var step = spec.Tasks[i];
            if (!catalog.TryGet(step.TaskType, out var info))
            {
                continue;
            }

            var taskNode = listNode is not null && i < listNode.Count ? listNode[i] : null;
            var paramsNode = (taskNode as JsonObject)?["task_params"];
            if (info.ParamsSchema is { } schema)
            {
                var paramsPath = SpecPath.Child(SpecPath.Index(listPath, i), "task_params");
                var literal = paramsNode as JsonObject ?? step.TaskParams;
                var secrets = SecretParams.ValuesOf(literal, info); // a message quotes the wrong literal: never a secret one
                ParamsSchemaCheck.Check(literal, schema, paramsPath, step.TaskType, (path, message, node) =>
                    errors.Add(new SpecError(path, SecretParams.Scrub(message, secrets)!, LineOf(node, lines) ?? LineOf(paramsNode, lines) ?? LineOf(taskNode, lines))));
            }

            foreach (var param in info.Params.Where(p => p.Required && !step.TaskParams.ContainsKey(p.Name)))
            {
                var bare = taskNode is JsonValue ? " A task given by name alone takes no params: write it as {key, task_type, task_params}." : "";
                var path = SpecPath.Child(SpecPath.Child(SpecPath.Index(listPath, i), "task_params"), param.Name);
                errors.Add(new SpecError(
                    path,
                    $"Task type '{step.TaskType}' requires task_params.{param.Name}: {param.Description} Add it to step '{step.Key}' (a value, or a template such as \"$input.{param.Name}\").{bare}",
                    LineOf(paramsNode, lines) ?? LineOf(taskNode, lines)));
            }
        }

        return errors;
    }

    private static int? LineOf(JsonNode? node, IReadOnlyDictionary<JsonNode, int>? lines) =>
        node is not null && lines is not null && lines.TryGetValue(node, out var line) ? line : null;
}
