using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>Sets values in the flow data and merges params into later steps, without code.</summary>
[TaskType("wire", Description = "Sets top-level keys in the flow data (data) and merges params into later steps (params).")]
[TaskParam("data", "An object whose top-level keys are set in the flow data.")]
[TaskParam("params", "An object of stepKey -> object of params merged into that later step.")]
internal sealed class WireTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(Wire(context));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }

    private static Outcome Wire(TaskContext context)
    {
        var data = ParamReader.Object(context, "data");
        var stepParams = ParamReader.Object(context, "params");
        if (data is null && stepParams is null)
        {
            throw ParamReader.Invalid(context, "wire needs task_params.data (an object) or task_params.params (an object of stepKey -> params)");
        }

        Dictionary<string, JsonNode?>? dataChanges = null;
        if (data is not null)
        {
            // Clone: the engine persists these and the params object belongs to the step.
            dataChanges = data.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        }

        Dictionary<string, JsonObject>? paramChanges = null;
        if (stepParams is not null)
        {
            paramChanges = new(StringComparer.Ordinal);
            foreach (var (step, value) in stepParams)
            {
                paramChanges[step] = value as JsonObject
                    ?? throw ParamReader.Bad(context, $"params.{step}", "an object of params for step '" + step + "'", value);
            }

            paramChanges = paramChanges.ToDictionary(p => p.Key, p => (JsonObject)p.Value.DeepClone(), StringComparer.Ordinal);
        }

        return Outcome.Result(null) with { DataChanges = dataChanges, ParamChanges = paramChanges };
    }
}
