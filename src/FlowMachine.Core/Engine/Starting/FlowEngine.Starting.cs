using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.Diagnostics;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Starting flows: resolving and checking the spec (inline texts compiled once and cached), building the stored flow.
public sealed partial class FlowEngine
{
    /// <summary>Inline spec texts, compiled once each.</summary>
    private readonly InlineSpecCache inlineSpecs;

    /// <summary>Validates the spec and stores a new PENDING flow; a start with an existing key returns that flow.</summary>
    /// <exception cref="SpecException">The spec is invalid or the routine does not exist; nothing is stored.</exception>
    public async Task<StartFlowResult> StartAsync(StartFlowRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (spec, routine, version, specJson) = await ResolveSpecAsync(request, cancellationToken).ConfigureAwait(false);
        var key = request.Key ?? spec.Key;
        if (key is not null)
        {
            // A repeated start is answered without validating or writing anything.
            var existing = await Store.GetFlowByKeyAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return new StartFlowResult(existing, false);
            }
        }

        var flow = BuildFlow(spec, routine, version, request.Input, key, request.Label ?? spec.Label, request.Owner, parent: null, Now, specJson);
        flow.Flow.Tags = TagsOf(request.Tags, spec);
        flow.Flow.Priority = PriorityOf(request.Priority, spec);
        var worker = ReserveLocalSlot(flow);
        FirstRound? first = null;
        CreateFlowResult created;
        try
        {
            first = worker is null ? null : TakeFirstRound(flow);
            created = await Store.CreateFlowAsync(first?.Stored ?? flow, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            worker?.Unreserve();
            throw;
        }

        if (!created.Created)
        {
            worker?.Unreserve();
            return new StartFlowResult(created.Flow, false);
        }

        FlowMachineDiagnostics.FlowStarted(created.Flow);
        if (worker is null)
        {
            Signal.Notify();
            return new StartFlowResult(created.Flow, true);
        }

        // Stored leased to this process's worker: it runs at once, as if just claimed, without a claim round; with its
        // first round taken, the steps that round started are launched at once.
        if (first is null)
        {
            worker.HandOver(ClaimedAtStart(flow));
        }
        else
        {
            OnCommitted(first.Transition);
            worker.HandOver(first);
        }

        var shown = flow.Flow.Clone();
        (shown.LeaseOwner, shown.LeaseExpiresAt) = (null, null); // as the caller saw a start before: the lease is the worker's business
        return new StartFlowResult(shown, true);
    }

    /// <summary>A new flow as a claim of it would hand it out.</summary>
    private static ClaimedFlow ClaimedAtStart(NewFlow flow) =>
        new(flow.Flow.Clone(), [.. flow.Steps.Select(s => s.Clone())], [], [], flow.History.Count == 0 ? 0 : flow.History.Max(h => h.Seq));

    /// <summary>
    /// The first round of a flow about to be stored leased to this process's worker, as its run would take it: the
    /// flow begun and its ready steps started (null: none starts, or the round needs more than the flow's own rows, as
    /// limits taken by the commit that starts the steps do; the flow is then stored as built and its run takes the round).
    /// </summary>
    private FirstRound? TakeFirstRound(NewFlow flow)
    {
        var plan = FlowPlan.For(flow.Flow.SpecJson);
        if (LedgerFor(plan) is not null)
        {
            return null;
        }

        var run = new FlowRun(ClaimedAtStart(flow), plan, Catalog, Router);
        var now = Now;
        run.Begin(now);
        run.ApplyDeadline(now);
        var starts = run.TakeReady(now);
        if (starts.Count == 0 || !run.IsActive)
        {
            return null;
        }

        var t = run.Flush(Owner, now, release: false);
        if (t.DataChanged || t.Attributes.Count > 0 || t.ConsumedCommands.Count > 0 || t.ConsumedEvents.Count > 0 || t.NewFlows.Count > 0 || t.Commands.Count > 0
            || t.KeyedWaits.Count > 0 || t.EndedKeyedWaits.Count > 0 || t.ReleasedSlots.Count > 0 || t.LimitTakes.Count > 0)
        {
            return null;
        }

        // The store may keep what it is given; the run edits its flow row and its steps further.
        return new FirstRound(run, starts, t, new NewFlow(t.Flow.Clone(), [.. run.Steps.Select(s => s.Clone())], [.. flow.History, .. t.History]));
    }

    /// <summary>
    /// A slot of this process's worker for a flow about to be stored, which is then stored leased to it (null: none
    /// free, the worker is not idle, or the flow must be claimed: a stored routine's flows wait while the routine is
    /// paused, and a flow whose first steps all belong to another pool goes to that pool).
    /// </summary>
    private FlowWorker? ReserveLocalSlot(NewFlow flow)
    {
        if (flow.Flow.Routine is not null || Volatile.Read(ref LocalWorker) is not { } worker || !RunsHere(FlowPlan.For(flow.Flow.SpecJson)) || !worker.TryReserve())
        {
            return null;
        }

        flow.Flow.LeaseOwner = Owner;
        flow.Flow.LeaseExpiresAt = Now + Options.LeaseDuration;
        return worker;
    }

    /// <summary>Whether this process runs a first step of the plan (a step without precursors), as a claim would find it.</summary>
    private bool RunsHere(FlowPlan plan)
    {
        var first = false;
        for (var i = 0; i < plan.Steps.Length; i++)
        {
            if (plan.Precursors[i].Length == 0)
            {
                if (Router.CanRun(plan.Steps[i]))
                {
                    return true;
                }

                first = true;
            }
        }

        return !first;
    }

    private async Task<(FlowSpec Spec, string? Routine, int? Version, string? SpecJson)> ResolveSpecAsync(StartFlowRequest request, CancellationToken cancellationToken)
    {
        var given = (request.Routine is null ? 0 : 1) + (request.SpecText is null ? 0 : 1) + (request.SpecNode is null ? 0 : 1) + (request.Spec is null ? 0 : 1);
        if (given != 1)
        {
            throw new SpecException([new SpecError("$", "give exactly one of a routine name or an inline spec")]);
        }

        if (request.Spec is not null)
        {
            CheckStepCount(request.Spec);
            await WithWorkerTypesAsync(c => CheckTaskTypes(request.Spec, c), cancellationToken).ConfigureAwait(false);
            return (request.Spec, null, null, null);
        }

        if (request.SpecText is not null)
        {
            var (compiledSpec, json) = await WithWorkerTypesAsync(
                c => ReferenceEquals(c, Catalog) ? inlineSpecs.Compile(request.SpecText) : Compiled(SpecCompiler.Compile(request.SpecText, c, Options.SpecLimits).GetOrThrow()),
                cancellationToken).ConfigureAwait(false);
            return (compiledSpec, null, null, json);
        }

        if (request.SpecNode is not null)
        {
            return (await WithWorkerTypesAsync(c => SpecCompiler.Compile(request.SpecNode, c, Options.SpecLimits).GetOrThrow(), cancellationToken).ConfigureAwait(false), null, null, null);
        }

        var stored = await Store.GetRoutineAsync(request.Routine!, request.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new SpecException([new SpecError("routine", request.Version is { } v
                ? $"routine '{request.Routine}' has no version {v}"
                : $"routine '{request.Routine}' does not exist; add it first (flowmachine routines add)")]);
        // Stored specs are immutable: the plan cache holds each one parsed once.
        var spec = FlowPlan.For(stored.SpecJson).Spec;
        await WithWorkerTypesAsync(c => CheckTaskTypes(spec, c), cancellationToken).ConfigureAwait(false);
        return (spec, stored.Name, stored.Version, null);
    }

    private static (FlowSpec Spec, string Json) Compiled(FlowSpec spec) => (spec, SpecJson.Serialize(spec));

    /// <summary>
    /// Checks against this host's task types; when that fails, once more with the types live workers registered
    /// (<see cref="IWorkerRegistry"/>): a flow may be started here for a pool whose types this process lacks.
    /// </summary>
    private async Task<T> WithWorkerTypesAsync<T>(Func<Registry.ITaskCatalog, T> check, CancellationToken cancellationToken)
    {
        try
        {
            return check(Catalog);
        }
        catch (SpecException)
        {
            var now = Now;
            var workers = await Store.ListWorkersAsync(cancellationToken).ConfigureAwait(false);
            var catalog = new Routing.WorkerTypesCatalog(Catalog, Routing.WorkerPools.Live(workers, now).SelectMany(w => w.TaskTypes.Keys));
            if (!catalog.AddsAny)
            {
                throw;
            }

            return check(catalog);
        }
    }

    /// <summary>The start's tags and the spec's <c>cfg.tags</c>, each once.</summary>
    /// <exception cref="SpecException">A tag is empty or too long, or there are too many.</exception>
    private static IReadOnlyList<string> TagsOf(IEnumerable<string>? given, FlowSpec spec)
    {
        var (tags, error) = FlowTags.Combine(given, spec.Cfg.Tags);
        return error is null ? tags : throw new SpecException([new SpecError("tags", error)]);
    }

    /// <summary>The start's priority, else the spec's <c>cfg.priority</c>, else 0.</summary>
    /// <exception cref="SpecException">The start's priority is out of range.</exception>
    private static int PriorityOf(int? given, FlowSpec spec) =>
        given is { } priority && FlowPriority.Error(priority) is { } error
            ? throw new SpecException([new SpecError("priority", error)])
            : given ?? spec.Cfg.Priority ?? 0;

    /// <summary>A spec compiled elsewhere still obeys this engine's step limit.</summary>
    private void CheckStepCount(FlowSpec spec)
    {
        if (spec.Tasks.Count > Options.SpecLimits.MaxSteps)
        {
            throw new SpecException([new SpecError("$", $"The spec has {spec.Tasks.Count} steps, more than the limit of {Options.SpecLimits.MaxSteps} (SpecLimits.MaxSteps).")]);
        }
    }

    /// <summary>A stored spec may name task types this host lacks; refuse it before anything runs.</summary>
    private static bool CheckTaskTypes(FlowSpec spec, Registry.ITaskCatalog catalog)
    {
        var errors = spec.Tasks
            .Select((t, i) => (t, i))
            .Where(x => !catalog.TryGet(x.t.TaskType, out _))
            .Select(x => new SpecError($"tasks[{x.i}].task_type", $"task type '{x.t.TaskType}' is not registered in this host (see `flowmachine tasks`)"))
            .ToList();
        return errors.Count == 0 ? true : throw new SpecException(errors);
    }

    private NewFlow BuildFlow(FlowSpec spec, string? routine, int? version, JsonNode? input, string? key, string? label, string? owner, (string FlowId, string StepKey, int Index)? parent, DateTimeOffset now, string? serialized = null, ActivityContext spawnedBy = default) =>
        NewFlowOf(Options.NewId(), spec, serialized ?? SpecJson.Serialize(spec), routine, version, input, key, label, owner, parent, now, spawnedBy);

    /// <summary>A new PENDING flow of <paramref name="spec"/> with its steps and first history event, as a start stores it.</summary>
    internal static NewFlow NewFlowOf(string id, FlowSpec spec, string specJson, string? routine, int? version, JsonNode? input, string? key, string? label, string? owner, (string FlowId, string StepKey, int Index)? parent, DateTimeOffset now, ActivityContext spawnedBy = default)
    {
        var plan = FlowPlan.For(spec, specJson);
        var flow = new FlowRecord
        {
            Id = id,
            Key = key,
            Label = label,
            Owner = owner,
            Routine = routine,
            RoutineVersion = version,
            SpecJson = specJson,
            State = FlowState.Pending,
            Input = input?.DeepClone(),
            Data = (JsonObject)spec.Data.DeepClone(),
            ParentFlowId = parent?.FlowId,
            ParentStepKey = parent?.StepKey,
            ParentChildIndex = parent?.Index ?? 0,
            CreatedAt = now,
            UpdatedAt = now,
            NextRunAt = now,
            Deadline = FlowRun.DeadlineFrom(spec, now),
        };
        var steps = new StepRecord[plan.Steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepRecord { FlowId = flow.Id, Index = i, Key = plan.Steps[i].Key, TaskType = plan.Steps[i].TaskType };
        }

        flow.TraceParent = FlowMachineDiagnostics.TraceStart(flow, spawnedBy);
        var detail = new JsonObject { ["routine"] = routine, ["version"] = version, ["key"] = key, ["parent"] = parent?.FlowId };
        return new NewFlow(flow, steps, [new HistoryEvent(flow.Id, 1, now, HistoryKinds.FlowCreated, null, detail)]);
    }
}
