using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>
/// Builds the state machine of one flow as a worker would after claiming it, without a store: the spec is
/// compiled, the flow and its steps are made PENDING as a start makes them, and the claim is put together by hand.
/// </summary>
internal sealed class RunBuilder
{
    public const string Owner = "worker-1";

    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TaskRegistry Catalog = new TaskRegistry().AddBuiltIns();

    private readonly List<FlowEvent> events = [];
    private string flowId = "flow-1";
    private (string FlowId, string StepKey, int Index)? parent;

    /// <summary>The time <paramref name="seconds"/> after <see cref="T0"/>.</summary>
    public static DateTimeOffset At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    public RunBuilder WithId(string id)
    {
        flowId = id;
        return this;
    }

    public RunBuilder WithEvent(long id, string name, JsonNode? value)
    {
        events.Add(new FlowEvent(id, flowId, name, value, T0));
        return this;
    }

    public RunBuilder WithParent(string parentFlowId, string stepKey, int index)
    {
        parent = (parentFlowId, stepKey, index);
        return this;
    }

    /// <summary>A run of a new flow of <paramref name="yaml"/>; with <paramref name="edit"/> the stored steps are changed first.</summary>
    public FlowRun Build(string yaml, Action<StepRecord[]>? edit = null)
    {
        var spec = SpecCompiler.Compile(yaml, Catalog).GetOrThrow();
        var json = SpecJson.Serialize(spec);
        var plan = FlowPlan.For(spec, json);
        var flow = new FlowRecord
        {
            Id = flowId,
            SpecJson = json,
            State = FlowState.Pending,
            Data = (JsonObject)spec.Data.DeepClone(),
            ParentFlowId = parent?.FlowId,
            ParentStepKey = parent?.StepKey,
            ParentChildIndex = parent?.Index ?? 0,
            CreatedAt = T0,
            UpdatedAt = T0,
            NextRunAt = T0,
        };
        var steps = new StepRecord[plan.Steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepRecord { FlowId = flowId, Index = i, Key = plan.Steps[i].Key, TaskType = plan.Steps[i].TaskType };
        }

        edit?.Invoke(steps);
        return new FlowRun(new ClaimedFlow(flow, steps, [], [.. events], LastSeq: 1), plan, Catalog);
    }

    /// <summary>A new run of <paramref name="yaml"/>, begun at <see cref="T0"/>.</summary>
    public static FlowRun Begun(string yaml)
    {
        var run = new RunBuilder().Build(yaml);
        run.Begin(T0);
        return run;
    }

    /// <summary>The steps that start now, copied (the run reuses its list).</summary>
    public static (int Index, int Attempt)[] Start(FlowRun run, DateTimeOffset now) => [.. run.TakeReady(now)];

    /// <summary>The kinds of the history a flush hands out.</summary>
    public static string[] Kinds(FlowTransition transition) => [.. transition.History.Select(e => e.Kind)];

    public static StepState[] States(FlowRun run) => [.. run.Steps.Select(s => s.State)];
}
