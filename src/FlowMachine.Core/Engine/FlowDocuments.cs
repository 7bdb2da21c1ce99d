using System.Text.Json.Nodes;
using FlowMachine.Registry;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The JSON shape of flows, steps and history that every surface prints (CLI <c>--json</c>, REST API),
/// camelCase with states in capitals.
/// </summary>
public static class FlowDocuments
{
    /// <summary>The whole flow document with its steps. With <paramref name="resumeUrl"/>, waiting steps carry their callback URL.</summary>
    public static JsonObject Flow(FlowView view, Func<string, string>? resumeUrl = null)
    {
        var document = Summary(view.Flow);
        document["input"] = view.Flow.Input?.DeepClone();
        document["data"] = view.Flow.Data.DeepClone();
        document["result"] = view.Flow.Result?.DeepClone();
        document["steps"] = new JsonArray([.. view.Steps.Select(s => (JsonNode)Step(s, resumeUrl))]);
        var waiting = view.Steps.FirstOrDefault(s => s.State == StepState.Waiting && s.ResumeToken is not null);
        if (resumeUrl is not null && waiting is not null)
        {
            document["resumeUrl"] = resumeUrl(waiting.ResumeToken!);
        }

        return document;
    }

    /// <summary>The flow without input, data, result and steps: what lists show.</summary>
    public static JsonObject Summary(FlowRecord flow) => new()
    {
        ["id"] = flow.Id,
        ["key"] = flow.Key,
        ["label"] = flow.Label,
        ["routine"] = flow.Routine,
        ["version"] = flow.RoutineVersion,
        ["owner"] = flow.Owner,
        ["state"] = flow.State.ToName(),
        ["position"] = flow.Position,
        ["waitReason"] = flow.WaitReason,
        ["error"] = flow.Error,
        ["parentFlowId"] = flow.ParentFlowId,
        ["nextRunAt"] = flow.NextRunAt,
        ["createdAt"] = flow.CreatedAt,
        ["updatedAt"] = flow.UpdatedAt,
    };

    /// <summary>One step.</summary>
    public static JsonObject Step(StepRecord step, Func<string, string>? resumeUrl = null)
    {
        var document = new JsonObject
        {
            ["key"] = step.Key,
            ["taskType"] = step.TaskType,
            ["state"] = step.State.ToName(),
            ["result"] = step.Result?.DeepClone(),
            ["error"] = step.Error,
            ["errorDetail"] = step.ErrorDetail,
            ["attempts"] = step.Attempts,
            ["startedAt"] = step.StartedAt,
            ["finishedAt"] = step.FinishedAt,
        };
        if (step.State == StepState.Waiting)
        {
            document["waitReason"] = step.WaitReason;
            document["waitEvent"] = step.WaitEvent;
            document["waitUntil"] = step.WaitUntil;
            if (resumeUrl is not null && step.ResumeToken is not null)
            {
                document["resumeUrl"] = resumeUrl(step.ResumeToken);
            }
        }

        return document;
    }

    /// <summary>The task catalogue: each type's name, description, params (required, secret), check, defaults and source.</summary>
    public static JsonArray TaskTypes(IEnumerable<TaskTypeInfo> types) =>
        new([.. types.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["description"] = t.Description,
            ["params"] = new JsonArray([.. t.Params.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["description"] = p.Description,
                ["required"] = p.Required,
                ["secret"] = p.Secret,
            })]),
            ["hasCheck"] = t.HasCheck,
            ["maxAttempts"] = t.MaxAttempts,
            ["timeoutSeconds"] = t.TimeoutSeconds,
            ["source"] = t.Source,
        })]);

    /// <summary>One history event.</summary>
    public static JsonObject History(HistoryEvent e) => new()
    {
        ["seq"] = e.Seq,
        ["at"] = e.At,
        ["kind"] = e.Kind,
        ["step"] = e.StepKey,
        ["detail"] = e.Detail?.DeepClone(),
    };
}
