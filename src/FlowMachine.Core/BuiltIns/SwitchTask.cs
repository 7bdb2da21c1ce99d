using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Chooses one successor by comparing <c>value</c> with each case (JSON deep equality); the other
/// successors are skipped.
/// </summary>
[TaskType("switch", Description = "Chooses a branch: the first case whose 'when' equals value, else default.")]
[TaskParam("value", "The value to match (any JSON, usually interpolated such as $data.kind).", Required = true)]
[TaskParam("cases", "An array of { when: <json value>, goto: \"stepKey\" }, tried in order.", Required = true)]
[TaskParam("default", "The step key to run when no case matches.")]
internal sealed class SwitchTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(Choose(context));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }

    private static Outcome Choose(TaskContext context)
    {
        if (!ParamReader.Present(context, "value"))
        {
            throw ParamReader.Missing(context, "value");
        }

        var value = context.Params["value"];
        var cases = ParamReader.Array(context, "cases") ?? throw ParamReader.Missing(context, "cases");
        var fallback = ParamReader.String(context, "default");
        if (fallback is { Length: 0 })
        {
            throw ParamReader.Bad(context, "default", "a step key", context.Params["default"]);
        }

        // Validate every case first so a malformed later case is reported even when an earlier one matches.
        var parsed = new List<(JsonNode? When, string Goto)>(cases.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            if (cases[i] is not JsonObject entry || !entry.ContainsKey("when"))
            {
                throw ParamReader.Bad(context, $"cases[{i}]", "an object { when: <value>, goto: \"stepKey\" }", cases[i]);
            }

            var target = entry["goto"];
            if (target is null || target.GetValueKind() != JsonValueKind.String || target.GetValue<string>().Length == 0)
            {
                throw ParamReader.Bad(context, $"cases[{i}].goto", "a step key", target);
            }

            parsed.Add((entry["when"], target.GetValue<string>()));
        }

        foreach (var (when, target) in parsed)
        {
            if (JsonNode.DeepEquals(when, value))
            {
                return Outcome.Choose(new { value, branch = target }, target);
            }
        }

        if (fallback is not null)
        {
            return Outcome.Choose(new { value, branch = fallback }, fallback);
        }

        var listed = string.Join(", ", parsed.Select(c => $"{c.When?.ToJsonString() ?? "null"} -> {c.Goto}"));
        return Outcome.Fail(
            $"switch step '{context.StepKey}': no case matches value {value?.ToJsonString() ?? "null"} " +
            $"and task_params.default is not set; cases: [{listed}]");
    }
}
