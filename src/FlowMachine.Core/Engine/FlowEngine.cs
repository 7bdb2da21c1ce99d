using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Diagnostics;
using FlowMachine.Diagnostics;
using FlowMachine.Interpolation;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// Starts flows, takes commands from outside, and runs leased flows step by step against a store.
/// One engine serves a process: workers, the API and the CLI share it.
/// </summary>
public sealed class FlowEngine : IAsyncDisposable
{
    private const int MaxCachedSpecs = 256;
    private const int MaxCachedSpecChars = 256 * 1024;
    private readonly ConcurrentDictionary<string, HeldFlow> held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (FlowSpec Spec, string Json)> compiled = new(StringComparer.Ordinal);
    private readonly ITimer heartbeat;
    private readonly IDisposable? storeNotifications;
    private int beating;

    /// <summary>Creates an engine over a store and the task types it may run.</summary>
    public FlowEngine(IFlowStore store, ITaskCatalog catalog, FlowEngineOptions? options = null)
    {
        Store = store;
        Catalog = catalog;
        Options = options ?? new FlowEngineOptions();
        Options.Validate();
        var period = Options.LeaseDuration / 3;
        heartbeat = Options.Time.CreateTimer(_ => _ = RenewLeasesAsync(), null, period, period);

        // Work made due by other processes wakes this one at once; polling remains the fallback.
        storeNotifications = (store as IStoreNotifications)?.Subscribe(Signal.Notify);
    }

    /// <summary>The store the engine runs on.</summary>
    public IFlowStore Store { get; }

    /// <summary>The task types the engine can run.</summary>
    public ITaskCatalog Catalog { get; }

    /// <summary>The engine's settings.</summary>
    public FlowEngineOptions Options { get; }

    /// <summary>Fires when work appears in this process.</summary>
    public FlowSignal Signal { get; } = new();

    /// <summary>Raised after every committed transition (for progress displays and live streams). Handlers must be quick.</summary>
    public event Action<FlowTransition>? Committed;

    /// <summary>Raised when running a flow failed unexpectedly (a store error); the flow is retried after its lease expires.</summary>
    public event Action<string, Exception>? Faulted;

    private DateTimeOffset Now => Options.Time.GetUtcNow();

    private string Owner => Options.WorkerId;

    // Starting ---------------------------------------------------------------------------------

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
        var created = await Store.CreateFlowAsync(flow, cancellationToken).ConfigureAwait(false);
        if (created.Created)
        {
            FlowMachineDiagnostics.FlowsStarted.Add(1);
            Signal.Notify();
        }

        return new StartFlowResult(created.Flow, created.Created);
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
            CheckTaskTypes(request.Spec);
            return (request.Spec, null, null, null);
        }

        if (request.SpecText is not null)
        {
            var (compiledSpec, json) = CompileText(request.SpecText);
            return (compiledSpec, null, null, json);
        }

        if (request.SpecNode is not null)
        {
            return (SpecCompiler.Compile(request.SpecNode, Catalog, Options.SpecLimits).GetOrThrow(), null, null, null);
        }

        var stored = await Store.GetRoutineAsync(request.Routine!, request.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new SpecException([new SpecError("routine", request.Version is { } v
                ? $"routine '{request.Routine}' has no version {v}"
                : $"routine '{request.Routine}' does not exist; add it first (flowmachine routines add)")]);
        // Stored specs are immutable: the plan cache holds each one parsed once.
        var spec = FlowPlan.For(stored.SpecJson).Spec;
        CheckTaskTypes(spec);
        return (spec, stored.Name, stored.Version, null);
    }

    /// <summary>
    /// Compiles an inline spec, once per text: flows are often started from the same text again and again, and
    /// compiling (YAML parsing, validation) costs more than running a short flow. Only successful compiles are
    /// kept; task types are only ever added to a catalog, so a spec valid once stays valid.
    /// </summary>
    private (FlowSpec Spec, string Json) CompileText(string text)
    {
        if (text.Length <= MaxCachedSpecChars && compiled.TryGetValue(text, out var hit))
        {
            return hit;
        }

        var spec = SpecCompiler.Compile(text, Catalog, Options.SpecLimits).GetOrThrow();
        var entry = (spec, SpecJson.Serialize(spec));
        if (text.Length <= MaxCachedSpecChars)
        {
            if (compiled.Count >= MaxCachedSpecs)
            {
                compiled.Clear(); // inline texts are unbounded in number; start over rather than grow
            }

            compiled.TryAdd(text, entry);
        }

        return entry;
    }

    /// <summary>A spec compiled elsewhere still obeys this engine's step limit.</summary>
    private void CheckStepCount(FlowSpec spec)
    {
        if (spec.Tasks.Count > Options.SpecLimits.MaxSteps)
        {
            throw new SpecException([new SpecError("$", $"The spec has {spec.Tasks.Count} steps, more than the limit of {Options.SpecLimits.MaxSteps} (SpecLimits.MaxSteps).")]);
        }
    }

    /// <summary>A stored spec may name task types this host lacks; refuse it before anything runs.</summary>
    private void CheckTaskTypes(FlowSpec spec)
    {
        var errors = spec.Tasks
            .Select((t, i) => (t, i))
            .Where(x => !Catalog.TryGet(x.t.TaskType, out _))
            .Select(x => new SpecError($"tasks[{x.i}].task_type", $"task type '{x.t.TaskType}' is not registered in this host (see `flowmachine tasks`)"))
            .ToList();
        if (errors.Count > 0)
        {
            throw new SpecException(errors);
        }
    }

    private NewFlow BuildFlow(FlowSpec spec, string? routine, int? version, JsonNode? input, string? key, string? label, string? owner, (string FlowId, string StepKey, int Index)? parent, DateTimeOffset now, string? serialized = null)
    {
        var specJson = serialized ?? SpecJson.Serialize(spec);
        var plan = FlowPlan.For(spec, specJson);
        var flow = new FlowRecord
        {
            Id = Options.NewId(),
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
        };
        var steps = new StepRecord[plan.Steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepRecord { FlowId = flow.Id, Index = i, Key = plan.Steps[i].Key, TaskType = plan.Steps[i].TaskType };
        }

        var detail = new JsonObject { ["routine"] = routine, ["version"] = version, ["key"] = key, ["parent"] = parent?.FlowId };
        return new NewFlow(flow, steps, [new HistoryEvent(flow.Id, 1, now, HistoryKinds.FlowCreated, null, detail)]);
    }

    // Reading ----------------------------------------------------------------------------------

    /// <summary>The flow with its steps, or null.</summary>
    public async Task<FlowView?> GetAsync(string flowId, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return null;
        }

        var steps = await Store.GetStepsAsync(flowId, cancellationToken).ConfigureAwait(false);
        return new FlowView(flow, steps);
    }

    // Commands from outside --------------------------------------------------------------------

    /// <summary>Force-step: <paramref name="value"/> becomes the waiting step's result and the flow goes on.</summary>
    public async Task<CommandResult> PushAsync(string flowId, JsonNode? value, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var check = await RequireWaitingAsync(flowId, stepKey, "pushed", cancellationToken).ConfigureAwait(false);
        return check.Status != CommandStatus.Accepted
            ? check
            : await EnqueueAsync(flowId, FlowCommand.Push, stepKey, new JsonObject { ["value"] = value?.DeepClone() }, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resubmit: the waiting step's check runs with <paramref name="args"/>; a ready check completes it.</summary>
    public async Task<CommandResult> SubmitAsync(string flowId, JsonNode? args = null, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var check = await RequireWaitingAsync(flowId, stepKey, "resubmitted", cancellationToken).ConfigureAwait(false);
        return check.Status != CommandStatus.Accepted
            ? check
            : await EnqueueAsync(flowId, FlowCommand.Submit, stepKey, new JsonObject { ["args"] = args?.DeepClone() }, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Raises a named event; it is kept until a step waits for it, so an early event is never lost.</summary>
    public async Task<CommandResult> RaiseEventAsync(string flowId, string name, JsonNode? value = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        if (flow.State.IsTerminal())
        {
            return new CommandResult(CommandStatus.Conflict, $"flow {flowId} is {flow.State.ToName()}; it takes no more events");
        }

        if (!await Store.AddEventAsync(flowId, name, value?.DeepClone(), Now, cancellationToken).ConfigureAwait(false))
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        Signal.Notify();
        return CommandResult.Accepted;
    }

    /// <summary>Cancels the flow: running steps are cancelled, the rest skipped, the flow goes CANCELLED.</summary>
    public async Task<CommandResult> CancelAsync(string flowId, string? reason = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        if (flow.State.IsTerminal())
        {
            return new CommandResult(CommandStatus.Conflict, $"flow {flowId} has already ended {flow.State.ToName()}");
        }

        var payload = new JsonObject { ["reason"] = reason ?? (actor is null ? "cancelled" : $"cancelled by {actor}") };
        if (flow.LeaseOwner is not null && held.TryGetValue(flowId, out _))
        {
            // This process runs the flow: wake it so the cancel is applied at once.
            Signal.Notify();
        }

        return await EnqueueAsync(flowId, FlowCommand.Cancel, null, payload, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Restarts the flow from its first step with results cleared; the history is kept.</summary>
    public async Task<CommandResult> ResetAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        return flow is null
            ? new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist")
            : await EnqueueAsync(flowId, FlowCommand.Reset, null, null, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the flow's position: the step at <paramref name="position"/> runs next; earlier unfinished steps are skipped.</summary>
    public async Task<CommandResult> SetPositionAsync(string flowId, int position, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        var count = FlowPlan.For(flow.SpecJson).Steps.Length;
        if (position < 0 || position >= count)
        {
            return new CommandResult(CommandStatus.Conflict, $"position must be between 0 and {count - 1} for flow {flowId} (was {position})");
        }

        return await EnqueueAsync(flowId, FlowCommand.Position, null, new JsonObject { ["position"] = position }, actor, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CommandResult> RequireWaitingAsync(string flowId, string? stepKey, string verb, CancellationToken cancellationToken)
    {
        var view = await GetAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        var waiting = view.Steps.Where(s => s.State == StepState.Waiting && (stepKey is null || s.Key == stepKey)).ToList();
        if (waiting.Count == 0)
        {
            return new CommandResult(CommandStatus.Conflict, stepKey is null
                ? $"flow {flowId} is {view.Flow.State.ToName()} and no step waits; only a waiting step can be {verb}"
                : $"step '{stepKey}' of flow {flowId} is not waiting; only a waiting step can be {verb}");
        }

        return CommandResult.Accepted;
    }

    private async Task<CommandResult> EnqueueAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, CancellationToken cancellationToken)
    {
        if (!await Store.EnqueueCommandAsync(flowId, kind, stepKey, payload, actor, Now, cancellationToken).ConfigureAwait(false))
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        Signal.Notify();
        return CommandResult.Accepted;
    }

    // Running ----------------------------------------------------------------------------------

    /// <summary>
    /// Advances the flow by one round in this process: applies waiting commands, events and timers, runs
    /// the steps runnable now (in parallel), and commits. Steps that become runnable wait for the next tick.
    /// </summary>
    public async Task<FlowView> TickAsync(string flowId, CancellationToken cancellationToken = default)
    {
        var claimed = await Store.ClaimFlowAsync(flowId, Owner, Now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (claimed is not null)
        {
            ThrowIfFaulted(await RunClaimedAsync(claimed, tick: true, cancellationToken).ConfigureAwait(false));
        }

        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");
    }

    /// <summary>
    /// Runs the flow in this process until it ends or pauses, running its child flows too. With
    /// <paramref name="waitForTimers"/> it also sleeps until due timers and retries; otherwise it returns
    /// when nothing is due now.
    /// </summary>
    public async Task<FlowView> RunAsync(string flowId, bool waitForTimers = false, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = Signal.NextAsync();
            var claimed = await Store.ClaimFlowAsync(flowId, Owner, Now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (claimed is not null && held.ContainsKey(flowId))
            {
                // Another run in this process has the flow: wait for it to let go.
                await Task.WhenAny(wake, Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken)).ConfigureAwait(false);
                continue;
            }

            if (claimed is not null)
            {
                // A store error must reach the caller: trying again at once would only fail again.
                ThrowIfFaulted(await RunClaimedAsync(claimed, tick: false, cancellationToken).ConfigureAwait(false));
                continue;
            }

            var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");
            if (flow.State.IsTerminal())
            {
                break;
            }

            // Children (and anything else due) run here too, so a spawning flow can finish in one call.
            var others = await Store.ClaimDueAsync(Owner, 16, Now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (others.Count > 0)
            {
                foreach (var fault in await Task.WhenAll(others.Select(o => RunClaimedAsync(o, tick: false, cancellationToken))).ConfigureAwait(false))
                {
                    ThrowIfFaulted(fault);
                }

                continue;
            }

            if (!waitForTimers)
            {
                break;
            }

            var due = await Store.GetNextDueAsync(cancellationToken).ConfigureAwait(false);
            if (due is null && flow.LeaseOwner is null)
            {
                break; // nothing will happen without outside input
            }

            var delay = (due ?? Now + TimeSpan.FromMilliseconds(200)) - Now;
            if (delay > TimeSpan.Zero)
            {
                await Task.WhenAny(Task.Delay(delay, Options.Time, cancellationToken), wake).ConfigureAwait(false);
            }
        }

        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");
    }

    private static void ThrowIfFaulted(Exception? fault)
    {
        if (fault is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);
        }
    }

    /// <summary>A step attempt in flight (<see cref="Task"/>) or already finished synchronously (<see cref="Done"/>).</summary>
    private readonly record struct RunningStep(Task<StepExecution>? Task, CancellationTokenSource Cancel, StepExecution Done)
    {
        public bool IsCompleted => Task is null || Task.IsCompleted;

        public StepExecution Result => Task is null ? Done : Task.Result;
    }

    /// <summary>
    /// Runs a leased flow: applies its inputs, then starts runnable steps and goes straight on with the
    /// next ones as each finishes, committing every transition before anything else happens. Returns
    /// when the flow ends or pauses (the lease is released) or, with <paramref name="tick"/>, after one round.
    /// </summary>
    /// <returns>The unexpected error that stopped the run (already reported through <see cref="Faulted"/>), or null.</returns>
    internal async Task<Exception?> RunClaimedAsync(ClaimedFlow claimed, bool tick, CancellationToken stop)
    {
        while (true)
        {
            var flowId = claimed.Flow.Id;
            using var lost = new CancellationTokenSource();
            var mine = new HeldFlow(lost);
            while (!held.TryAdd(flowId, mine))
            {
                // This process runs the flow already: its lease ran out (a late heartbeat) and it was claimed
                // again here, or the run is letting go just as new input made the flow due. Nothing starts
                // twice: the run in progress learns of the claim and, once it has let go, claims the flow again.
                if (held.TryGetValue(flowId, out var other))
                {
                    Interlocked.Exchange(ref other.ClaimedAgain, 1);
                    if (held.TryGetValue(flowId, out var still) && ReferenceEquals(still, other))
                    {
                        return null; // it still holds the flow, so it sees the mark when it lets go
                    }
                }
            }

            var fault = await RunHeldAsync(claimed, mine, tick, stop).ConfigureAwait(false);

            // Claimed again while this run held it: if it is due now (input came in as the run let go), it is
            // leased to this process, and nobody else would run it until the lease ran out.
            if (fault is not null || tick || stop.IsCancellationRequested || Volatile.Read(ref mine.ClaimedAgain) == 0)
            {
                return fault;
            }

            var again = await Store.ClaimFlowAsync(flowId, Owner, Now, Options.LeaseDuration, stop).ConfigureAwait(false);
            if (again is null)
            {
                return null;
            }

            claimed = again;
        }
    }

    /// <summary>The run of a flow this process has just taken into <see cref="held"/>; lets go of it at the end.</summary>
    private async Task<Exception?> RunHeldAsync(ClaimedFlow claimed, HeldFlow mine, bool tick, CancellationToken stop)
    {
        Exception? fault = null;
        var flowId = claimed.Flow.Id;
        var lost = mine.Lost;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, lost.Token);
        var running = new Dictionary<int, RunningStep>();
        var finished = new List<int>();

        // A step's own token source, kept for the next step when the step finished without cancelling it.
        CancellationTokenSource? spare = null;
        FlowRun? run = null;
        try
        {
            run = new FlowRun(claimed, FlowPlan.For(claimed.Flow.SpecJson), Catalog);
            var now = Now;
            run.Begin(now);
            await ApplyCommandsAsync(run, claimed.Commands, linked.Token).ConfigureAwait(false);
            run.ApplyEvents(now);
            run.ApplyTimers(now);
            var firstRound = true;
            var fresh = false;
            while (true)
            {
                // The time read when the last steps finished serves the round that goes straight on from them.
                if (!fresh)
                {
                    now = Now;
                }

                fresh = false;
                var starts = !tick || firstRound ? run.TakeReady(now) : [];
                firstRound = false;
                var release = !run.IsActive || (running.Count == 0 && starts.Count == 0);
                var transition = run.Flush(Owner, now, release);
                var cancels = run.TakeCancelRequests();
                var committed = await Store.CommitAsync(transition, CancellationToken.None).ConfigureAwait(false);
                OnCommitted(transition);
                foreach (var i in cancels)
                {
                    if (running.Remove(i, out var r))
                    {
                        await r.Cancel.CancelAsync().ConfigureAwait(false);
                    }
                }

                if (release)
                {
                    if (committed.HasCommands && run.IsActive)
                    {
                        Signal.Notify(); // a command came in as we let go: pick the flow up again
                    }

                    return null;
                }

                foreach (var (index, attempt) in starts)
                {
                    var cancel = spare ?? CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                    spare = null;
                    running[index] = Launch(run, index, attempt, cancel, linked.Token);
                }

                if (committed.HasCommands)
                {
                    var commands = await Store.GetCommandsAsync(flowId, linked.Token).ConfigureAwait(false);
                    await ApplyCommandsAsync(run, commands, linked.Token).ConfigureAwait(false);
                    continue;
                }

                if (running.Count == 0)
                {
                    continue;
                }

                if (!AnyCompleted(running))
                {
                    await Task.WhenAny(running.Values.Select(r => r.Task!)).ConfigureAwait(false);
                }

                now = Now;
                finished.Clear();
                foreach (var (index, step) in running)
                {
                    if (step.IsCompleted)
                    {
                        finished.Add(index);
                    }
                }

                foreach (var index in finished)
                {
                    running.Remove(index, out var step);
                    if (spare is null && step.Cancel.TryReset())
                    {
                        spare = step.Cancel;
                    }
                    else
                    {
                        step.Cancel.Dispose();
                    }

                    var execution = step.Result;
                    if (execution.Abandoned)
                    {
                        throw new OperationCanceledException(linked.Token);
                    }

                    await ApplyExecutionAsync(run, execution, now, linked.Token).ConfigureAwait(false);
                }

                run.ApplyEvents(now);
                run.ApplyTimers(now);
                fresh = true;
            }
        }
        catch (LeaseLostException)
        {
            // Another worker owns the flow now; it re-runs whatever was in flight here.
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // The lease was lost: another worker re-runs what was in flight here.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: commit what finished, leave the steps in flight RUNNING and let go of the lease,
            // so another worker re-runs them (with the next attempt) at once.
            if (run is not null)
            {
                try
                {
                    var transition = run.Flush(Owner, Now, release: true);
                    await Store.CommitAsync(transition, CancellationToken.None).ConfigureAwait(false);
                    OnCommitted(transition);
                }
                catch (Exception ex)
                {
                    Faulted?.Invoke(flowId, ex);
                }
            }
        }
        catch (Exception ex)
        {
            fault = ex;
            Faulted?.Invoke(flowId, ex);
        }
        finally
        {
            foreach (var r in running.Values)
            {
                await r.Cancel.CancelAsync().ConfigureAwait(false);
            }

            held.TryRemove(new KeyValuePair<string, HeldFlow>(flowId, mine));
            spare?.Dispose();
        }

        return fault;
    }

    /// <summary>A flow this process is running: its lease-lost signal, and whether it was claimed again meanwhile.</summary>
    private sealed class HeldFlow(CancellationTokenSource lost)
    {
        public int ClaimedAgain;

        public CancellationTokenSource Lost { get; } = lost;
    }

    private static bool AnyCompleted(Dictionary<int, RunningStep> running)
    {
        foreach (var step in running.Values)
        {
            if (step.IsCompleted)
            {
                return true;
            }
        }

        return false;
    }

    private void OnCommitted(FlowTransition transition)
    {
        FlowMachineDiagnostics.Commits.Add(1);
        if (transition.NewFlows.Count > 0 || transition.Commands.Count > 0)
        {
            Signal.Notify();
        }

        Committed?.Invoke(transition);
    }

    private RunningStep Launch(FlowRun run, int index, int attempt, CancellationTokenSource cancel, CancellationToken stop)
    {
        var spec = run.Plan.Steps[index];
        if (!Catalog.TryGet(spec.TaskType, out var info))
        {
            return new RunningStep(null, cancel, new StepExecution(index, attempt, Outcome.Fail($"task type '{spec.TaskType}' is not registered in this host"), true, false));
        }

        TaskContext context;
        try
        {
            context = CreateContext(run, index, attempt, info, args: null);
        }
        catch (InterpolationException ex)
        {
            return new RunningStep(null, cancel, new StepExecution(index, attempt, Outcome.Fail(ex.Message), true, false));
        }

        return Execute(info, context, index, attempt, run.TimeoutOf(index, info), cancel, stop);
    }

    private TaskContext CreateContext(FlowRun run, int index, int attempt, TaskTypeInfo info, JsonNode? args)
    {
        var spec = run.Plan.Steps[index];
        var step = run.Steps[index];
        var flow = run.Flow;
        var raw = spec.TaskParams;
        if (step.ParamOverrides is { Count: > 0 } overrides)
        {
            raw = (JsonObject)raw.DeepClone();
            foreach (var (name, value) in overrides)
            {
                raw[name] = value?.DeepClone();
            }
        }

        var parameters = raw.Count == 0 ? [] : Interpolator.Resolve(raw, new InterpolationScope(flow.Input, flow.Data, run.Results));
        return new TaskContext
        {
            FlowId = flow.Id,
            StepKey = spec.Key,
            TaskType = info.Name,
            Attempt = attempt,
            Generation = flow.Generation,
            Input = flow.Input,
            Data = flow.Data,
            Results = run.Results,
            Params = parameters,
            Args = args,
            Owner = flow.Owner,
            Log = Options.TaskLog,
            Time = Options.Time,
            Services = Options.Services,
        };
    }

    /// <summary>
    /// Runs one attempt. A task that completes synchronously (most no-op and in-memory tasks) is
    /// finished here without a timer, a span or an async state machine; the rest is awaited.
    /// </summary>
    private RunningStep Execute(TaskTypeInfo info, TaskContext context, int index, int attempt, TimeSpan? timeout, CancellationTokenSource cancel, CancellationToken stop)
    {
        if (timeout is not null || FlowMachineDiagnostics.Source.HasListeners())
        {
            return new RunningStep(ExecuteAsync(info, context, index, attempt, timeout, cancel, stop), cancel, default);
        }

        // Timed only for the step metrics, when someone listens to them.
        var started = FlowMachineDiagnostics.StepDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        ValueTask<Outcome> pending;
        try
        {
            pending = info.Factory(Options.Services).PerformAsync(context, cancel.Token);
        }
        catch (Exception ex)
        {
            return new RunningStep(null, cancel, Observe(info, Classify(ex, index, attempt, null, null, stop), started));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return new RunningStep(null, cancel, Observe(info, new StepExecution(index, attempt, pending.Result ?? Outcome.Result(null), false, false), started));
        }

        return new RunningStep(FinishAsync(pending, info, index, attempt, started, stop), cancel, default);
    }

    private async Task<StepExecution> FinishAsync(ValueTask<Outcome> pending, TaskTypeInfo info, int index, int attempt, long started, CancellationToken stop)
    {
        StepExecution execution;
        try
        {
            execution = new StepExecution(index, attempt, await pending.ConfigureAwait(false) ?? Outcome.Result(null), false, false);
        }
        catch (Exception ex)
        {
            execution = Classify(ex, index, attempt, null, null, stop);
        }

        return Observe(info, execution, started);
    }

    private async Task<StepExecution> ExecuteAsync(TaskTypeInfo info, TaskContext context, int index, int attempt, TimeSpan? timeout, CancellationTokenSource cancel, CancellationToken stop)
    {
        using var timer = timeout is { } t ? new CancellationTokenSource(t, Options.Time) : null;
        using var both = timer is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timer.Token);
        var token = both?.Token ?? cancel.Token;
        using var activity = FlowMachineDiagnostics.Source.StartActivity(info.Name);
        activity?.SetTag("flowmachine.flow_id", context.FlowId);
        activity?.SetTag("flowmachine.step", context.StepKey);
        activity?.SetTag("flowmachine.attempt", attempt);
        var started = Stopwatch.GetTimestamp();
        StepExecution execution;
        try
        {
            var task = info.Factory(Options.Services);
            execution = new StepExecution(index, attempt, await task.PerformAsync(context, token).ConfigureAwait(false) ?? Outcome.Result(null), false, false);
        }
        catch (Exception ex)
        {
            execution = Classify(ex, index, attempt, timer, timeout, stop);
        }

        activity?.SetTag("flowmachine.outcome", OutcomeTag(execution));
        if (execution.Outcome is FailOutcome failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failed.Error);
        }

        return Observe(info, execution, started);
    }

    private static StepExecution Classify(Exception exception, int index, int attempt, CancellationTokenSource? timer, TimeSpan? timeout, CancellationToken stop) => exception switch
    {
        OperationCanceledException when stop.IsCancellationRequested => new(index, attempt, Outcome.Fail("the worker stopped"), false, true),
        OperationCanceledException when timer?.IsCancellationRequested == true => new(index, attempt, Outcome.Fail($"timed out after {timeout!.Value.TotalSeconds:0.###} s"), false, false),
        TaskParamException param => new(index, attempt, Outcome.Fail(param.Message), true, false),
        _ => new(index, attempt, new FailOutcome($"{exception.GetType().Name}: {exception.Message}", exception.ToString()), false, false),
    };

    private static string OutcomeTag(in StepExecution execution) =>
        execution.Abandoned ? "abandoned" : FlowMachineDiagnostics.OutcomeName(execution.Outcome);

    private static StepExecution Observe(TaskTypeInfo info, in StepExecution execution, long started)
    {
        if (FlowMachineDiagnostics.Steps.Enabled || FlowMachineDiagnostics.StepDuration.Enabled)
        {
            var tags = new TagList { { "task_type", info.Name }, { "outcome", OutcomeTag(execution) } };
            FlowMachineDiagnostics.Steps.Add(1, tags);
            if (started != 0)
            {
                FlowMachineDiagnostics.StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
            }
        }

        return execution;
    }

    // now: the time the round read when its steps finished; one clock read serves them all.
    private async Task ApplyExecutionAsync(FlowRun run, StepExecution execution, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!run.Accepts(execution))
        {
            return; // cancelled, skipped or reset while it ran
        }

        var index = execution.Index;
        if (OversizeResult(execution.Outcome) is { } bytes)
        {
            // Refused before it reaches the store: one huge result must not bloat every later read of the flow.
            run.ApplyFailure(index, $"the result is {bytes} bytes of JSON, more than the limit of {Options.MaxResultBytes} bytes (FlowEngineOptions.MaxResultBytes); store large data elsewhere and return a reference", null, permanent: true, now);
            return;
        }

        switch (execution.Outcome)
        {
            case ResultOutcome result:
                run.ApplyResult(index, result, now);
                break;
            case WaitOutcome wait:
                run.ApplyWait(index, wait, now);
                break;
            case SpawnOutcome spawn:
                IReadOnlyList<NewFlow> children;
                try
                {
                    children = await BuildChildrenAsync(run, index, spawn, now, cancellationToken).ConfigureAwait(false);
                }
                catch (SpecException ex)
                {
                    run.ApplyFailure(index, $"cannot spawn: {ex.Message}", null, permanent: true, now);
                    break;
                }

                if (children.Count == 0)
                {
                    run.ApplyEmptySpawn(index, spawn, now);
                }
                else
                {
                    run.ApplySpawn(index, spawn, children, now);
                }

                break;
            case KillOutcome kill:
                run.ApplyKill(index, kill, now);
                break;
            case DoneOutcome done:
                run.ApplyDone(index, done, now);
                break;
            case FailOutcome fail:
                var secrets = SecretsOf(run, index, execution.Attempt);
                run.ApplyFailure(index, SecretParams.Scrub(fail.Error, secrets)!, SecretParams.Scrub(fail.Detail, secrets), execution.Permanent, now);
                break;
            default:
                run.ApplyFailure(index, $"the task returned an unknown outcome {execution.Outcome.GetType().Name}", null, permanent: true, now);
                break;
        }
    }

    /// <summary>
    /// The values of the step's secret params, to scrub from its error before it reaches history: a task
    /// that fails with a message quoting its token (a URL, a connection string) must not leak it.
    /// </summary>
    private IReadOnlyList<string> SecretsOf(FlowRun run, int index, int attempt)
    {
        if (!Catalog.TryGet(run.Plan.Steps[index].TaskType, out var info) || !SecretParams.Any(info))
        {
            return [];
        }

        try
        {
            return SecretParams.ValuesOf(CreateContext(run, index, attempt, info, args: null).Params, info);
        }
        catch (InterpolationException)
        {
            return SecretParams.ValuesOf(run.Plan.Steps[index].TaskParams, info);
        }
    }

    /// <summary>The size of a result or done value over <see cref="FlowEngineOptions.MaxResultBytes"/>, else null.</summary>
    private long? OversizeResult(Outcome outcome)
    {
        var value = outcome switch
        {
            ResultOutcome result => result.Value,
            DoneOutcome done => done.Value,
            _ => null,
        };
        return value is null ? null : JsonSize.Of(value) is var bytes && bytes > Options.MaxResultBytes ? bytes : null;
    }

    private async Task<IReadOnlyList<NewFlow>> BuildChildrenAsync(FlowRun run, int index, SpawnOutcome spawn, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var children = new List<NewFlow>(spawn.Children.Count);
        var stepKey = run.Steps[index].Key;
        for (var k = 0; k < spawn.Children.Count; k++)
        {
            var request = spawn.Children[k];
            FlowSpec spec;
            string? routine = null;
            int? version = null;
            if (request.TaskType is { } taskType)
            {
                if (!Catalog.TryGet(taskType, out _))
                {
                    throw new SpecException([new SpecError("task_type", $"task type '{taskType}' is not registered in this host")]);
                }

                spec = new FlowSpec
                {
                    Label = $"{taskType} spawned by {run.Flow.Id}/{stepKey}",
                    Tasks = [new StepSpec { Key = taskType, TaskType = taskType, TaskParams = (JsonObject?)request.Args?.DeepClone() ?? [] }],
                };
            }
            else if (request.Routine is { } name)
            {
                var stored = await Store.GetRoutineAsync(name, request.Version, cancellationToken).ConfigureAwait(false)
                    ?? throw new SpecException([new SpecError("routine", $"routine '{name}' does not exist")]);
                spec = SpecJson.Deserialize(stored.SpecJson);
                CheckTaskTypes(spec);
                routine = stored.Name;
                version = stored.Version;
            }
            else if (request.Spec is { } inline)
            {
                spec = SpecCompiler.Compile(inline, Catalog, Options.SpecLimits).GetOrThrow();
            }
            else
            {
                throw new SpecException([new SpecError("$", "a spawn must name a task type, a routine or a spec")]);
            }

            var label = spec.Label ?? $"child {k} of {run.Flow.Id}/{stepKey}";
            children.Add(BuildFlow(spec with { Key = null }, routine, version, request.Input, key: null, label, run.Flow.Owner, (run.Flow.Id, stepKey, k), now));
        }

        return children;
    }

    private async Task ApplyCommandsAsync(FlowRun run, IReadOnlyList<FlowCommand> commands, CancellationToken cancellationToken)
    {
        foreach (var command in commands)
        {
            var now = Now;
            run.Consume(command);
            switch (command.Kind)
            {
                case FlowCommand.Push when run.IsActive:
                    if (run.FindWaiting(command.StepKey) is { } pushed)
                    {
                        run.Push(pushed, command.Payload?["value"], command.Actor, now);
                    }
                    else
                    {
                        run.Ignore(command, now, "no step waits");
                    }

                    break;
                case FlowCommand.Submit when run.IsActive:
                    await SubmitAsync(run, command, cancellationToken).ConfigureAwait(false);
                    break;
                case FlowCommand.Cancel when run.IsActive:
                    run.Cancel(command.Payload?["reason"]?.GetValue<string>(), now);
                    break;
                case FlowCommand.Reset:
                    run.Reset(command.Actor, now);
                    break;
                case FlowCommand.Position:
                    var position = command.Payload?["position"]?.GetValue<int>() ?? -1;
                    if (position >= 0 && position < run.Steps.Length)
                    {
                        run.MovePosition(position, command.Actor, now);
                    }
                    else
                    {
                        run.Ignore(command, now, $"position {position} is out of range");
                    }

                    break;
                case FlowCommand.ChildFinished when run.IsActive:
                    run.ChildFinished(command, now);
                    break;
                default:
                    run.Ignore(command, now, run.IsActive ? "unknown command" : $"the flow has ended {run.Flow.State.ToName()}");
                    break;
            }
        }
    }

    private async Task SubmitAsync(FlowRun run, FlowCommand command, CancellationToken cancellationToken)
    {
        var args = command.Payload?["args"];
        var targets = command.StepKey is not null
            ? run.FindWaiting(command.StepKey) is { } one ? [one] : Array.Empty<int>()
            : [.. Enumerable.Range(0, run.Steps.Length).Where(i => run.Steps[i].State == StepState.Waiting && run.Steps[i].Spawn is null)];
        if (targets.Length == 0)
        {
            run.Ignore(command, Now, "no step waits for a check");
            return;
        }

        foreach (var index in targets)
        {
            var spec = run.Plan.Steps[index];
            if (!Catalog.TryGet(spec.TaskType, out var info))
            {
                run.CheckNotReady(index, $"task type '{spec.TaskType}' is not registered in this host", Now);
                continue;
            }

            var task = info.Factory(Options.Services);
            if (task is not ICheckableTask checkable)
            {
                run.CheckNotReady(index, $"task type '{spec.TaskType}' has no check; push a value instead", Now);
                continue;
            }

            try
            {
                var context = CreateContext(run, index, run.Steps[index].Attempts, info, args);
                var result = await checkable.CheckAsync(context, cancellationToken).ConfigureAwait(false);
                if (result.IsReady)
                {
                    run.CheckPassed(index, result.Value, Now);
                }
                else
                {
                    run.CheckNotReady(index, result.Reason, Now);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                run.CheckNotReady(index, $"the check threw {ex.GetType().Name}: {ex.Message}", Now);
            }
        }
    }

    private async Task RenewLeasesAsync()
    {
        if (held.IsEmpty || Interlocked.Exchange(ref beating, 1) == 1)
        {
            return;
        }

        try
        {
            var lost = await Store.RenewLeasesAsync(Owner, [.. held.Keys], Now + Options.LeaseDuration, CancellationToken.None).ConfigureAwait(false);
            FlowMachineDiagnostics.LeasesLost.Add(lost.Count);
            foreach (var id in lost)
            {
                if (held.TryGetValue(id, out var run))
                {
                    await run.Lost.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            Faulted?.Invoke(string.Empty, ex);
        }
        finally
        {
            Volatile.Write(ref beating, 0);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        storeNotifications?.Dispose();
        return heartbeat.DisposeAsync();
    }
}
