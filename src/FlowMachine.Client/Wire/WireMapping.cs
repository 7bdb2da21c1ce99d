using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Client.Wire;

/// <summary>The API's documents as the records the in-process client returns, so callers see the same results.</summary>
internal static class WireMapping
{
    public static FlowView ToView(WireFlow flow) =>
        new(ToRecord(flow), [.. (flow.Steps ?? []).Select((s, i) => ToRecord(flow.Id, i, s))]);

    public static FlowRecord ToRecord(WireFlow flow) => new()
    {
        Id = flow.Id,
        Key = flow.Key,
        Label = flow.Label,
        Owner = flow.Owner,
        Routine = flow.Routine,
        RoutineVersion = flow.Version,
        Schedule = flow.Schedule,
        Slot = flow.Slot,
        SpecJson = "", // the API does not send the flow's spec
        State = StateNames.TryParseFlowState(flow.State, out var state) ? state : throw new FormatException($"'{flow.State}' is not a flow state"),
        Position = flow.Position,
        Input = flow.Input,
        Data = flow.Data ?? [],
        WaitReason = flow.WaitReason,
        Result = flow.Result,
        Tags = flow.Tags ?? [],
        Attributes = flow.Attributes ?? FlowTags.NoAttributes,
        Priority = flow.Priority,
        Error = flow.Error,
        ParentFlowId = flow.ParentFlowId,
        CreatedAt = flow.CreatedAt,
        UpdatedAt = flow.UpdatedAt,
        NextRunAt = flow.NextRunAt,
        Deadline = flow.Deadline,
        Suspended = flow.Suspended,
        RoutinePaused = flow.RoutinePaused,
        Route = flow.WaitingForWorker is { } wait ? RouteSet.Of(wait.Queue, wait.TaskType) : null,
    };

    private static StepRecord ToRecord(string flowId, int index, WireStep step) => new()
    {
        FlowId = flowId,
        Index = index,
        Key = step.Key,
        TaskType = step.TaskType,
        State = StateNames.ParseStepState(step.State),
        Result = step.Result,
        Error = step.Error,
        ErrorDetail = step.ErrorDetail,
        Attempts = step.Attempts,
        Recoveries = step.Recoveries,
        StartedAt = step.StartedAt,
        FinishedAt = step.FinishedAt,
        NotBefore = step.NotBefore,
        WaitReason = step.WaitReason ?? step.HeldBack,
        WaitEvent = step.WaitEvent,
        WaitUntil = step.WaitUntil,
        ResumeToken = TokenOf(step.ResumeUrl),
        Progress = step.Progress,
        ProgressAt = step.ProgressAt,
    };

    // The resume URL ends in the step's token: keeping it lets FlowDocument.Of(view, url) build the same URL again.
    private static string? TokenOf(string? resumeUrl) =>
        resumeUrl is null ? null : Uri.UnescapeDataString(resumeUrl[(resumeUrl.LastIndexOf('/') + 1)..]);
}
