using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FlowMachine.Registry;
using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The state machine of one leased flow. It changes the flow in memory, step by step, and hands the
/// changes out as one <see cref="FlowTransition"/> per commit. Every change costs time in proportion
/// to the steps it touches, never to the flow's length.
/// </summary>
internal sealed partial class FlowRun
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

    private readonly StepRouter? router;

    public FlowRun(ClaimedFlow claimed, FlowPlan plan, ITaskCatalog catalog, StepRouter? router = null)
    {
        this.catalog = catalog;
        this.router = router;
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

    private void Record(DateTimeOffset now, string kind, string? stepKey, JsonNode? detail) =>
        history.Add(new HistoryEvent(Flow.Id, ++seq, now, kind, stepKey, detail));

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
