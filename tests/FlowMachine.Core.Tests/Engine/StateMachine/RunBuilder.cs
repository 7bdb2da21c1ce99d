using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Engine.StateMachine;

/// <summary>
/// Builds the state machine of one flow as a worker would after claiming it, without a store: the spec is
/// compiled, the flow and its steps are made as a start makes them, and the claim is put together by hand.
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
        var created = FlowEngine.NewFlowOf(flowId, spec, json, routine: null, version: null, input: null, key: null, label: null, owner: null, parent, T0);
        var steps = created.Steps.ToArray();
        edit?.Invoke(steps);
        return new FlowRun(new ClaimedFlow(created.Flow, steps, [], [.. events], LastSeq: 1), FlowPlan.For(json), Catalog);
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
