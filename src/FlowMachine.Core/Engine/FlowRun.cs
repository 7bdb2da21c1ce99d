using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The state machine of one leased flow. It changes the flow in memory, step by step, and hands the
/// changes out as one <see cref="FlowTransition"/> per commit. Every change costs time in proportion
/// to the steps it touches, never to the flow's length.
/// </summary>
internal sealed class FlowRun
{
    private readonly ITaskCatalog catalog;
    private readonly IndexSet ready = new();
    private readonly IndexSet waiting = new();
    private readonly HashSet<int> forced = [];
    private readonly HashSet<int> dirty = [];
    private readonly List<HistoryEvent> history = [];
    private readonly List<long> consumedCommands = [];
    private readonly List<long> consumedEvents = [];
    private readonly List<NewFlow> newFlows = [];
    private readonly List<OutgoingCommand> outgoing = [];
    private readonly List<int> cancelRequests = [];
    private readonly List<FlowEvent> inbox;
    private readonly List<(int Index, int Attempt)> startBuffer = [];
    private readonly List<int> due = [];

    // Steps whose current record went to the store with a commit (the store may keep it): copied before the next change.
    private readonly bool[] shared;
    private int runningCount;
    private int finishedCount;
    private bool dataChanged;
    private FlowState storedState; // the state the flow's row holds, as of the last commit
    private long seq;
    private long knownEventId;

    public FlowRun(ClaimedFlow claimed, FlowPlan plan, ITaskCatalog catalog)
    {
        this.catalog = catalog;
        Flow = claimed.Flow;
        storedState = Flow.State;
        Plan = plan;
        Steps = new StepRecord[plan.Steps.Length];
        shared = new bool[plan.Steps.Length];
        foreach (var step in claimed.Steps)
        {
            Steps[step.Index] = step;
        }

        for (var i = 0; i < Steps.Length; i++)
        {
            if (Steps[i] is null)
            {
                throw new InvalidOperationException($"Flow {Flow.Id} has no stored step {i} ('{plan.Steps[i].Key}'); the store is inconsistent.");
            }
        }

        inbox = [.. claimed.Events];
        knownEventId = inbox.Count == 0 ? 0 : inbox.Max(e => e.Id);
        seq = claimed.LastSeq;
        Results = new ResultsView(plan, Steps);
        Recount();
    }

    public FlowRecord Flow { get; }

    public FlowPlan Plan { get; }

    public StepRecord[] Steps { get; }

    public ResultsView Results { get; }

    public bool IsActive => !Flow.State.IsTerminal();

    public bool HasRunning => runningCount > 0;

    /// <summary>Steps whose running attempt must be cancelled (fail-fast, kill, cancel, reset).</summary>
    public int[] TakeCancelRequests()
    {
        if (cancelRequests.Count == 0)
        {
            return [];
        }

        var list = cancelRequests.ToArray();
        cancelRequests.Clear();
        return list;
    }

    /// <summary>Marks a PENDING flow RUNNING.</summary>
    public void Begin(DateTimeOffset now)
    {
        if (Flow.State == FlowState.Pending)
        {
            Flow.State = FlowState.Running;
            Record(now, HistoryKinds.FlowStarted, null, null);
        }
    }

    // Readiness ---------------------------------------------------------------------------

    /// <summary>Moves the steps that may start now to RUNNING and returns them with their attempt.</summary>
    public List<(int Index, int Attempt)> TakeReady(DateTimeOffset now)
    {
        // One buffer per run: the caller is done with the previous list before it asks again.
        var started = startBuffer;
        started.Clear();
        if (!IsActive || ready.Count == 0)
        {
            return started;
        }

        due.Clear();
        foreach (var i in ready)
        {
            if (Steps[i].NotBefore is not { } notBefore || notBefore <= now)
            {
                due.Add(i);
            }
        }

        foreach (var i in due)
        {
            var step = Edit(i);
            ready.Remove(i);
            forced.Remove(i);
            SetState(i, StepState.Running);
            step.Attempts++;
            step.StartedAt = now;
            step.FinishedAt = null;
            step.NotBefore = null;
            step.Error = null;
            step.ErrorDetail = null;
            // The first attempt is the common case; only retries and re-runs say which attempt they are.
            Record(now, HistoryKinds.StepStarted, step.Key, step.Attempts == 1 ? null : new JsonObject { ["attempt"] = step.Attempts });
            started.Add((i, step.Attempts));
        }

        return started;
    }

    /// <summary>True when a ready step may start now.</summary>
    public bool HasReadyNow(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return false;
        }

        foreach (var i in ready)
        {
            if (Steps[i].NotBefore is not { } t || t <= now)
            {
                return true;
            }
        }

        return false;
    }

    private enum Gate
    {
        Blocked,
        Open,
        Skip,
    }

    /// <summary>
    /// The step's record, ready to be changed. A record handed to the store with a commit is never edited
    /// again (the store may keep it, as the in-memory store does): it is copied first, once.
    /// </summary>
    private StepRecord Edit(int index)
    {
        if (shared[index])
        {
            Steps[index] = Steps[index].ShallowCopy();
            shared[index] = false;
        }

        return Steps[index];
    }

    private Gate GateOf(int index)
    {
        if (forced.Contains(index))
        {
            return Gate.Open;
        }

        var precursors = Plan.Precursors[index];
        if (precursors.Length == 0)
        {
            return Gate.Open;
        }

        var anyCompleted = false;
        foreach (var p in precursors)
        {
            switch (Steps[p].State)
            {
                case StepState.Completed:
                    anyCompleted = true;
                    break;
                case StepState.Skipped:
                    break;
                case StepState.Failed:
                    return Gate.Skip;
                default:
                    return Gate.Blocked;
            }
        }

        // A join after a switch runs when its chosen branch completed; it is skipped only when every way in was skipped.
        return anyCompleted ? Gate.Open : Gate.Skip;
    }

    /// <summary>After step <paramref name="index"/> finished: its successors become ready or are skipped.</summary>
    private void Settle(int index, DateTimeOffset now)
    {
        foreach (var next in Plan.Successors[index])
        {
            if (Steps[next].State != StepState.Pending || ready.Contains(next))
            {
                continue;
            }

            switch (GateOf(next))
            {
                case Gate.Open:
                    ready.Add(next);
                    break;
                case Gate.Skip:
                    Skip(next, now, $"skipped: no way in ({Describe(Plan.Precursors[next])})");
                    Settle(next, now);
                    break;
            }
        }
    }

    private string Describe(int[] precursors) =>
        string.Join(", ", precursors.Select(p => $"{Steps[p].Key} {Steps[p].State.ToName()}"));

    private void Recount()
    {
        ready.Clear();
        waiting.Clear();
        runningCount = 0;
        finishedCount = 0;
        for (var i = 0; i < Steps.Length; i++)
        {
            var step = Edit(i);
            switch (step.State)
            {
                case StepState.Running:
                    // A step left RUNNING by a worker that lost its lease: it runs again with the next attempt.
                    step.State = StepState.Pending;
                    ready.Add(i);
                    break;
                case StepState.Waiting:
                    waiting.Add(i);
                    break;
                case StepState.Pending:
                    if (GateOf(i) == Gate.Open)
                    {
                        ready.Add(i);
                    }

                    break;
                default:
                    finishedCount++;
                    break;
            }
        }

        AdvancePosition();
    }

    private void SetState(int index, StepState state)
    {
        var step = Edit(index);
        var old = step.State;
        if (old == state)
        {
            return;
        }

        if (old == StepState.Running)
        {
            runningCount--;
        }
        else if (old == StepState.Waiting)
        {
            waiting.Remove(index);
        }
        else if (old.IsFinished())
        {
            finishedCount--;
        }

        if (state == StepState.Running)
        {
            runningCount++;
        }
        else if (state == StepState.Waiting)
        {
            waiting.Add(index);
        }
        else if (state.IsFinished())
        {
            finishedCount++;
            ready.Remove(index);
        }

        step.State = state;
        dirty.Add(index);
    }

    private void AdvancePosition()
    {
        var position = Math.Min(Flow.Position, Steps.Length);
        while (position > 0 && !IsPast(position - 1))
        {
            position--;
        }

        while (position < Steps.Length && IsPast(position))
        {
            position++;
        }

        Flow.Position = position;

        bool IsPast(int i) => Steps[i].State is StepState.Completed or StepState.Skipped;
    }

    // Outcomes ----------------------------------------------------------------------------

    /// <summary>True when the execution still belongs to the step (it was not cancelled, skipped or reset meanwhile).</summary>
    public bool Accepts(in StepExecution execution) =>
        IsActive && Steps[execution.Index].State == StepState.Running && Steps[execution.Index].Attempts == execution.Attempt;

    public void ApplyResult(int index, ResultOutcome outcome, DateTimeOffset now)
    {
        if (outcome.ChosenSuccessors is { } chosen)
        {
            var successors = Plan.Successors[index].Select(s => Steps[s].Key).ToHashSet(StringComparer.Ordinal);
            var stray = chosen.Where(c => !successors.Contains(c)).ToArray();
            if (stray.Length > 0)
            {
                ApplyFailure(index, $"chose '{string.Join("', '", stray)}', which does not follow step '{Steps[index].Key}' (its successors: {string.Join(", ", successors)})", null, permanent: true, now);
                return;
            }
        }

        ApplyChanges(outcome);
        Complete(index, outcome.Value, now, HistoryKinds.StepCompleted, null);
        if (outcome.ChosenSuccessors is { } picks)
        {
            foreach (var next in Plan.Successors[index])
            {
                if (!picks.Contains(Steps[next].Key) && Steps[next].State == StepState.Pending)
                {
                    Skip(next, now, $"skipped: not chosen by '{Steps[index].Key}'");
                    Settle(next, now);
                }
            }
        }

        Settle(index, now);
    }

    public void ApplyWait(int index, WaitOutcome outcome, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        var step = Edit(index);
        SetState(index, StepState.Waiting);
        step.WaitReason = outcome.Reason;
        step.WaitEvent = outcome.EventName;
        step.WaitUntil = outcome.Until;
        step.ResumeToken = NewToken();
        var detail = new JsonObject { ["reason"] = outcome.Reason };
        if (outcome.EventName is not null)
        {
            detail["event"] = outcome.EventName;
        }

        if (outcome.Until is { } until)
        {
            detail["until"] = until;
        }

        Record(now, HistoryKinds.StepWaiting, step.Key, detail);
        ApplyEvents(now);
    }

    /// <summary>The step handed work to child flows and waits for them.</summary>
    public void ApplySpawn(int index, SpawnOutcome outcome, IReadOnlyList<NewFlow> children, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        var step = Edit(index);
        SetState(index, StepState.Waiting);
        step.WaitReason = children.Count == 1
            ? $"waiting for spawned {Describe(outcome.Children[0])}"
            : $"waiting for {children.Count} spawned children";
        step.WaitEvent = null;
        step.WaitUntil = null;
        step.ResumeToken = NewToken();
        var ids = new JsonArray([.. children.Select(c => (JsonNode)JsonValue.Create(c.Flow.Id))]);
        step.Spawn = new JsonObject
        {
            ["collect"] = outcome.Collect,
            ["children"] = ids,
            ["results"] = new JsonArray([.. children.Select(_ => (JsonNode?)null)]),
            ["done"] = new JsonArray([.. children.Select(_ => (JsonNode)JsonValue.Create(false))]),
        };
        newFlows.AddRange(children);
        Record(now, HistoryKinds.StepSpawned, step.Key, new JsonObject { ["children"] = ids.DeepClone() });
    }

    private static string Describe(SpawnRequest request) =>
        request.TaskType is not null ? $"task {request.TaskType}" : request.Routine is not null ? $"routine {request.Routine}" : "flow";

    /// <summary>The spawn completed with no children (an empty spread).</summary>
    public void ApplyEmptySpawn(int index, SpawnOutcome outcome, DateTimeOffset now) =>
        ApplyResult(index, new ResultOutcome(outcome.Collect ? new JsonArray() : null, null) { DataChanges = outcome.DataChanges, ParamChanges = outcome.ParamChanges }, now);

    public void ApplyKill(int index, KillOutcome outcome, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        Complete(index, null, now, HistoryKinds.StepCompleted, null);
        End(FlowState.Killed, now, error: outcome.Reason, result: null);
    }

    public void ApplyDone(int index, DoneOutcome outcome, DateTimeOffset now)
    {
        ApplyChanges(outcome);
        Complete(index, outcome.Value, now, HistoryKinds.StepCompleted, null);
        End(FlowState.Completed, now, error: null, result: outcome.Value?.DeepClone());
    }

    /// <summary>A failed attempt: retried per policy, else the step fails (and with fail_fast the flow).</summary>
    public void ApplyFailure(int index, string error, string? detail, bool permanent, DateTimeOffset now)
    {
        var step = Edit(index);
        step.Error = error;
        step.ErrorDetail = detail;
        var retry = RetryOf(index);
        if (!permanent && step.Attempts < retry.MaxAttempts)
        {
            SetState(index, StepState.Pending);
            step.NotBefore = now + retry.DelayBefore(step.Attempts + 1);
            step.FinishedAt = now;
            ready.Add(index);
            Record(now, HistoryKinds.StepRetry, step.Key, new JsonObject
            {
                ["attempt"] = step.Attempts,
                ["error"] = error,
                ["next_at"] = step.NotBefore,
            });
            return;
        }

        SetState(index, StepState.Failed);
        step.FinishedAt = now;
        ClearWait(step);
        Record(now, HistoryKinds.StepFailed, step.Key, new JsonObject { ["attempts"] = step.Attempts, ["error"] = error });
        if (Plan.Spec.Cfg.FailFast)
        {
            End(FlowState.Failed, now, error: FailureText(step), result: null);
        }
        else
        {
            Settle(index, now);
        }
    }

    private static string FailureText(StepRecord step) =>
        $"step '{step.Key}' ({step.TaskType}) failed after {step.Attempts} attempt(s): {step.Error}";

    /// <summary>The retry policy of a step: its own, else the flow's, else the task type's default.</summary>
    public RetrySpec RetryOf(int index)
    {
        var spec = Plan.Steps[index];
        if (spec.Retry is { } own)
        {
            return own;
        }

        if (Plan.Spec.Cfg.Retry is { } flowWide)
        {
            return flowWide;
        }

        return catalog.TryGet(spec.TaskType, out var info) && info.MaxAttempts > 0
            ? new RetrySpec { MaxAttempts = info.MaxAttempts }
            : DefaultRetry;
    }

    private static readonly RetrySpec DefaultRetry = new();

    /// <summary>The timeout of one attempt, or null.</summary>
    public TimeSpan? TimeoutOf(int index, TaskTypeInfo? info)
    {
        var seconds = Plan.Steps[index].TimeoutSeconds ?? Plan.Spec.Cfg.TimeoutSeconds ?? (info?.TimeoutSeconds > 0 ? info.TimeoutSeconds : null);
        return seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : null;
    }

    private void ApplyChanges(Outcome outcome)
    {
        if (outcome.DataChanges is { Count: > 0 } data)
        {
            // Copy on write: tasks running in parallel keep reading the data they were given.
            var copy = (JsonObject)Flow.Data.DeepClone();
            foreach (var (key, value) in data)
            {
                copy[key] = value?.DeepClone();
            }

            Flow.Data = copy;
            dataChanged = true;
        }

        if (outcome.ParamChanges is { Count: > 0 } changes)
        {
            foreach (var (key, values) in changes)
            {
                if (!Plan.IndexOf.TryGetValue(key, out var target))
                {
                    continue; // wire validates its targets; a stray key changes nothing
                }

                var step = Edit(target);
                var merged = step.ParamOverrides is null ? new JsonObject() : (JsonObject)step.ParamOverrides.DeepClone();
                foreach (var (name, value) in values)
                {
                    merged[name] = value?.DeepClone();
                }

                step.ParamOverrides = merged;
                dirty.Add(target);
            }
        }
    }

    private void Complete(int index, JsonNode? value, DateTimeOffset now, string kind, JsonObject? detail)
    {
        var step = Edit(index);
        step.Result = value;
        SetState(index, StepState.Completed);
        step.FinishedAt = now;
        step.Error = null;
        step.ErrorDetail = null;
        ClearWait(step);
        if (kind == HistoryKinds.StepCompleted)
        {
            // The attempt is in the step.started event; a plain completion needs no detail.
            Record(now, kind, step.Key, detail);
            return;
        }

        Record(now, kind, step.Key, detail);
        Record(now, HistoryKinds.StepCompleted, step.Key, null);
    }

    private static void ClearWait(StepRecord step)
    {
        step.WaitReason = null;
        step.WaitEvent = null;
        step.WaitUntil = null;
        step.ResumeToken = null;
        step.Spawn = null;
    }

    private void Skip(int index, DateTimeOffset now, string why)
    {
        var step = Edit(index);
        if (step.State == StepState.Running)
        {
            cancelRequests.Add(index);
        }

        SetState(index, StepState.Skipped);
        step.FinishedAt = now;
        step.Error = why;
        ClearWait(step);
    }

    /// <summary>Ends the flow: every unfinished step is skipped, running ones cancelled, children cancelled, the parent told.</summary>
    private void End(FlowState state, DateTimeOffset now, string? error, JsonNode? result)
    {
        var why = state switch
        {
            FlowState.Completed => "skipped: the flow completed early",
            FlowState.Killed => "skipped: the flow was killed",
            FlowState.Cancelled => "skipped: the flow was cancelled",
            _ => "skipped: the flow failed",
        };
        var skipped = 0;
        for (var i = 0; i < Steps.Length && finishedCount < Steps.Length; i++)
        {
            var step = Edit(i);
            if (step.State.IsFinished())
            {
                continue;
            }

            CancelChildren(step);
            Skip(i, now, why);
            skipped++;
        }

        ready.Clear();
        Flow.State = state;
        Flow.Error = error;
        Flow.Result = result;
        Flow.WaitReason = null;
        Flow.NextRunAt = null;
        var detail = new JsonObject();
        if (error is not null)
        {
            detail["error"] = error;
        }

        if (skipped > 0)
        {
            detail["skipped"] = skipped;
        }

        Record(now, state switch
        {
            FlowState.Completed => HistoryKinds.FlowCompleted,
            FlowState.Killed => HistoryKinds.FlowKilled,
            FlowState.Cancelled => HistoryKinds.FlowCancelled,
            _ => HistoryKinds.FlowFailed,
        }, null, detail);

        if (Flow.ParentFlowId is { } parent && Flow.ParentStepKey is { } parentStep)
        {
            outgoing.Add(new OutgoingCommand(parent, FlowCommand.ChildFinished, parentStep, new JsonObject
            {
                ["child"] = Flow.Id,
                ["index"] = Flow.ParentChildIndex,
                ["state"] = state.ToName(),
                ["result"] = result?.DeepClone(),
                ["error"] = error,
            }));
        }
    }

    private void CancelChildren(StepRecord step)
    {
        if (step.Spawn?["children"] is not JsonArray children)
        {
            return;
        }

        var done = step.Spawn["done"] as JsonArray;
        for (var c = 0; c < children.Count; c++)
        {
            if (done?[c]?.GetValue<bool>() == true)
            {
                continue;
            }

            outgoing.Add(new OutgoingCommand(children[c]!.GetValue<string>(), FlowCommand.Cancel, null, new JsonObject { ["reason"] = $"parent flow {Flow.Id} ended" }));
        }
    }

    // Outside input -----------------------------------------------------------------------

    /// <summary>The waiting step a command targets: the named one, or the first waiting step.</summary>
    public int? FindWaiting(string? stepKey)
    {
        if (stepKey is not null)
        {
            return Plan.IndexOf.TryGetValue(stepKey, out var i) && Steps[i].State == StepState.Waiting ? i : null;
        }

        return waiting.Count > 0 ? waiting.Min : null;
    }

    /// <summary>Commands that ran: consumed with the next commit.</summary>
    public void Consume(FlowCommand command) => consumedCommands.Add(command.Id);

    public void Ignore(FlowCommand command, DateTimeOffset now, string why)
    {
        Record(now, HistoryKinds.CommandIgnored, command.StepKey, new JsonObject { ["command"] = command.Kind, ["why"] = why });
    }

    /// <summary>A push: the value becomes the waiting step's result and the flow goes on.</summary>
    public void Push(int index, JsonNode? value, string? actor, DateTimeOffset now)
    {
        CancelChildren(Steps[index]);
        Complete(index, value?.DeepClone(), now, HistoryKinds.StepPushed, new JsonObject { ["actor"] = actor });
        Settle(index, now);
    }

    /// <summary>A successful check on resubmit.</summary>
    public void CheckPassed(int index, JsonNode? value, DateTimeOffset now)
    {
        Complete(index, value, now, HistoryKinds.StepChecked, null);
        Settle(index, now);
    }

    public void CheckNotReady(int index, string? reason, DateTimeOffset now) =>
        Record(now, HistoryKinds.CheckNotReady, Steps[index].Key, new JsonObject { ["reason"] = reason ?? "not ready" });

    public void Cancel(string? reason, DateTimeOffset now) => End(FlowState.Cancelled, now, error: reason ?? "cancelled", result: null);

    /// <summary>A step failed for a reason outside its task (a check that threw, a child that failed).</summary>
    public void FailWaiting(int index, string error, DateTimeOffset now)
    {
        var step = Edit(index);
        CancelChildren(step);
        SetState(index, StepState.Running); // the attempt that spawned is the one that fails
        ApplyFailure(index, error, null, permanent: false, now);
    }

    /// <summary>A child flow ended: collect its result; the last one completes the step, a failure fails it.</summary>
    public void ChildFinished(FlowCommand command, DateTimeOffset now)
    {
        var payload = command.Payload as JsonObject;
        var childId = payload?["child"]?.GetValue<string>();
        var childIndex = payload?["index"]?.GetValue<int>() ?? 0;
        var index = command.StepKey is not null && Plan.IndexOf.TryGetValue(command.StepKey, out var i) ? i : -1;
        if (index < 0 || Steps[index].State != StepState.Waiting || Steps[index].Spawn is not { } spawn
            || spawn["children"] is not JsonArray children || childIndex >= children.Count
            || children[childIndex]?.GetValue<string>() != childId)
        {
            Ignore(command, now, $"step '{command.StepKey}' no longer waits for child {childId}");
            return;
        }

        var state = payload?["state"]?.GetValue<string>();
        Record(now, HistoryKinds.ChildFinished, command.StepKey, new JsonObject { ["child"] = childId, ["state"] = state });
        if (state != FlowState.Completed.ToName())
        {
            FailWaiting(index, $"child flow {childId} ended {state}: {payload?["error"]?.GetValue<string>()}", now);
            return;
        }

        // Copy on write: the committed spawn object belongs to the store now.
        spawn = (JsonObject)spawn.DeepClone();
        Edit(index).Spawn = spawn;
        var results = (JsonArray)spawn["results"]!;
        var done = (JsonArray)spawn["done"]!;
        results[childIndex] = payload?["result"]?.DeepClone();
        done[childIndex] = true;
        dirty.Add(index);
        if (done.All(d => d!.GetValue<bool>()))
        {
            var value = spawn["collect"]!.GetValue<bool>() ? results.DeepClone() : results[0]?.DeepClone();
            Complete(index, value, now, HistoryKinds.StepCompleted, null);
            Settle(index, now);
        }
    }

    /// <summary>Named events in the inbox resume the steps that wait for them.</summary>
    public void ApplyEvents(DateTimeOffset now)
    {
        if (inbox.Count == 0 || waiting.Count == 0)
        {
            return;
        }

        foreach (var index in waiting.ToArray())
        {
            var step = Steps[index]; // read only: Complete edits
            if (step.WaitEvent is not { } name)
            {
                continue;
            }

            var match = inbox.FindIndex(e => e.Name == name);
            if (match < 0)
            {
                continue;
            }

            var raised = inbox[match];
            inbox.RemoveAt(match);
            consumedEvents.Add(raised.Id);
            Complete(index, raised.Value?.DeepClone(), now, HistoryKinds.EventConsumed, new JsonObject { ["event"] = name });
            Settle(index, now);
        }
    }

    public void AddEvents(IEnumerable<FlowEvent> events)
    {
        foreach (var e in events)
        {
            if (!inbox.Exists(x => x.Id == e.Id) && !consumedEvents.Contains(e.Id))
            {
                inbox.Add(e);
            }

            knownEventId = Math.Max(knownEventId, e.Id);
        }
    }

    /// <summary>Waits whose time has come complete with a null result.</summary>
    public void ApplyTimers(DateTimeOffset now)
    {
        if (waiting.Count == 0)
        {
            return;
        }

        foreach (var index in waiting.ToArray())
        {
            if (Steps[index].WaitUntil is { } until && until <= now)
            {
                Complete(index, null, now, HistoryKinds.TimerFired, new JsonObject { ["until"] = until });
                Settle(index, now);
            }
        }
    }

    /// <summary>Restarts from the first step: results, attempts and data cleared; history kept.</summary>
    public void Reset(string? actor, DateTimeOffset now)
    {
        for (var i = 0; i < Steps.Length; i++)
        {
            var step = Edit(i);
            if (step.State == StepState.Running)
            {
                cancelRequests.Add(i);
            }

            CancelChildren(step);
            step.State = StepState.Pending;
            step.Result = null;
            step.Error = null;
            step.ErrorDetail = null;
            step.Attempts = 0;
            step.StartedAt = null;
            step.FinishedAt = null;
            step.NotBefore = null;
            step.ParamOverrides = null;
            ClearWait(step);
            dirty.Add(i);
        }

        forced.Clear();
        Flow.Generation++;
        Flow.State = FlowState.Running;
        Flow.Error = null;
        Flow.Result = null;
        Flow.WaitReason = null;
        Flow.Position = 0;
        Flow.Data = (JsonObject)Plan.Spec.Data.DeepClone();
        dataChanged = true;
        Record(now, HistoryKinds.FlowReset, null, new JsonObject { ["actor"] = actor, ["generation"] = Flow.Generation });
        Recount();
    }

    /// <summary>
    /// Moves the linear position (an operator's force-step): unfinished steps before it are skipped,
    /// steps from it on are cleared, and the step at it runs next.
    /// </summary>
    public void MovePosition(int position, string? actor, DateTimeOffset now)
    {
        var wasTerminal = !IsActive;
        for (var i = 0; i < Steps.Length; i++)
        {
            var step = Edit(i);
            if (step.State == StepState.Running)
            {
                cancelRequests.Add(i);
            }

            if (i < position)
            {
                if (step.State != StepState.Completed && step.State != StepState.Skipped)
                {
                    CancelChildren(step);
                    step.State = StepState.Skipped;
                    step.Error = $"skipped: position moved to {position}";
                    step.FinishedAt = now;
                    ClearWait(step);
                    dirty.Add(i);
                }
            }
            else if (step.State != StepState.Pending || step.Result is not null)
            {
                CancelChildren(step);
                step.State = StepState.Pending;
                step.Result = null;
                step.Error = null;
                step.ErrorDetail = null;
                step.NotBefore = null;
                ClearWait(step);
                dirty.Add(i);
            }
        }

        forced.Clear();
        if (position < Steps.Length)
        {
            forced.Add(position);
        }

        if (wasTerminal || Flow.State.IsPaused())
        {
            Flow.Error = null;
            Flow.Result = null;
        }

        Flow.State = FlowState.Running;
        Flow.Position = position;
        Record(now, HistoryKinds.PositionMoved, null, new JsonObject { ["position"] = position, ["actor"] = actor });
        Recount();
    }

    // Commit ------------------------------------------------------------------------------

    /// <summary>
    /// Settles the flow's state, position and next run time from its steps and hands out everything
    /// changed since the last flush as one transition.
    /// </summary>
    public FlowTransition Flush(string owner, DateTimeOffset now, bool release)
    {
        if (IsActive)
        {
            DeriveState(now);
        }

        AdvancePosition();
        Flow.UpdatedAt = now;
        if (Flow.State.IsTerminal())
        {
            Flow.NextRunAt = null;
        }

        var transition = new FlowTransition
        {
            LeaseOwner = owner,
            Flow = Flow,
            DataChanged = dataChanged,
            StateChanged = Flow.State != storedState,
            Release = release,
            Steps = DirtySteps(),
            History = Snapshot(history),
            ConsumedCommands = Snapshot(consumedCommands),
            ConsumedEvents = Snapshot(consumedEvents),
            NewFlows = Snapshot(newFlows),
            Commands = Snapshot(outgoing),
            KnownEventId = knownEventId,
        };
        dirty.Clear();
        history.Clear();
        consumedCommands.Clear();
        consumedEvents.Clear();
        newFlows.Clear();
        outgoing.Clear();
        dataChanged = false;
        storedState = Flow.State;
        return transition;
    }

    private static T[] Snapshot<T>(List<T> list) => list.Count == 0 ? [] : [.. list];

    private StepRecord[] DirtySteps()
    {
        if (dirty.Count == 0)
        {
            return [];
        }

        Span<int> indexes = dirty.Count <= 64 ? stackalloc int[dirty.Count] : new int[dirty.Count];
        var n = 0;
        foreach (var i in dirty)
        {
            indexes[n++] = i;
        }

        // Most commits hold two steps (the one that finished, the next one started): no general sort for those.
        if (indexes.Length == 2)
        {
            if (indexes[0] > indexes[1])
            {
                (indexes[0], indexes[1]) = (indexes[1], indexes[0]);
            }
        }
        else
        {
            indexes.Sort();
        }

        var rows = new StepRecord[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            rows[i] = Steps[indexes[i]];
            shared[indexes[i]] = true;
        }

        return rows;
    }

    private void DeriveState(DateTimeOffset now)
    {
        if (finishedCount == Steps.Length)
        {
            var failed = Steps.Where(s => s.State == StepState.Failed).ToList();
            if (failed.Count > 0)
            {
                End(FlowState.Failed, now, string.Join("\n", failed.Select(FailureText)), null);
            }
            else
            {
                End(FlowState.Completed, now, null, SinkResult());
            }

            return;
        }

        DateTimeOffset? next = null;
        var readyNow = false;
        foreach (var i in ready)
        {
            var at = Steps[i].NotBefore;
            if (at is null || at <= now)
            {
                readyNow = true;
                break;
            }

            next = Min(next, at);
        }

        if (runningCount > 0 || readyNow)
        {
            Flow.State = FlowState.Running;
            Flow.WaitReason = null;

            // Due already (it was, to be claimed): keep the value, so a step does not move the flow in the
            // due index (a write to the index per step otherwise). Another worker may take it over once the lease ends.
            if (Flow.NextRunAt is not { } due || due > now)
            {
                Flow.NextRunAt = now;
            }

            return;
        }

        int? firstWait = null;
        int? firstSpawn = null;
        foreach (var i in waiting)
        {
            var step = Steps[i];
            next = Min(next, step.WaitUntil);
            if (step.Spawn is null)
            {
                firstWait ??= i;
            }
            else
            {
                firstSpawn ??= i;
            }
        }

        Flow.NextRunAt = next;
        if (firstWait is { } w)
        {
            Flow.State = FlowState.Waiting;
            Flow.WaitReason = Steps[w].WaitReason;
        }
        else if (firstSpawn is { } s)
        {
            Flow.State = FlowState.Spawned;
            Flow.WaitReason = Steps[s].WaitReason;
        }
        else if (ready.Count > 0)
        {
            Flow.State = FlowState.Running; // a retry is due later
            Flow.WaitReason = null;
        }
        else
        {
            End(FlowState.Failed, now, "no step can run: the flow's steps are blocked (this is a bug in FlowMachine; please report it)", null);
        }
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    private JsonNode? SinkResult()
    {
        var completed = Plan.Sinks.Where(i => Steps[i].State == StepState.Completed).ToArray();
        if (completed.Length == 1 && Plan.Sinks.Length == 1)
        {
            return Steps[completed[0]].Result?.DeepClone();
        }

        var result = new JsonObject();
        foreach (var i in completed)
        {
            result[Steps[i].Key] = Steps[i].Result?.DeepClone();
        }

        return result;
    }

    private void Record(DateTimeOffset now, string kind, string? stepKey, JsonNode? detail) =>
        history.Add(new HistoryEvent(Flow.Id, ++seq, now, kind, stepKey, detail));

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
