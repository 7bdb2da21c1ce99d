using FlowMachine.Registry;
using FlowMachine.Routing;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// Starts flows, takes commands from outside, and runs leased flows step by step against a store.
/// One engine serves a process: workers, the API and the CLI share it.
/// </summary>
public sealed partial class FlowEngine : IAsyncDisposable
{
    private readonly ITimer heartbeat;
    private readonly IDisposable? storeNotifications;
    private readonly ITimer? clockAlignment;

    /// <summary>Creates an engine over a store and the task types it may run.</summary>
    public FlowEngine(IFlowStore store, ITaskCatalog catalog, FlowEngineOptions? options = null)
    {
        Store = store;
        Catalog = catalog;
        Options = options ?? new FlowEngineOptions();
        Options.Validate();
        Time = new StoreAlignedClock(Options.Time, Options.FollowStoreClock ? store as IStoreClock : null);
        inlineSpecs = new InlineSpecCache(catalog, Options);
        Router = new StepRouter(catalog, Options.Queues, Options.TaskQueues ?? new Dictionary<string, string>());
        var period = Options.LeaseDuration / 3;
        heartbeat = Options.Time.CreateTimer(_ => _ = RenewLeasesAsync(), null, period, period);
        if (Time.FollowsStore)
        {
            var every = FlowMachineDefaults.Engine.ClockAlignmentInterval;
            clockAlignment = Options.Time.CreateTimer(_ => _ = AlignClockAsync(CancellationToken.None), null, every, every);
        }

        // Work made due by other processes wakes this one at once; polling remains the fallback.
        storeNotifications = (store as IStoreNotifications)?.Subscribe(Signal.Notify);
    }

    /// <summary>The store the engine runs on.</summary>
    public IFlowStore Store { get; }

    /// <summary>The task types the engine can run.</summary>
    public ITaskCatalog Catalog { get; }

    /// <summary>The routes this engine's worker accepts (its queues and task types).</summary>
    public RouteSet Routes => Router.Routes;

    internal StepRouter Router { get; }

    /// <summary>The engine's settings.</summary>
    public FlowEngineOptions Options { get; }

    /// <summary>
    /// The engine's clock: <see cref="FlowEngineOptions.Time"/>, moved to the store's time when the store has a
    /// clock (<see cref="IStoreClock"/>, PostgreSQL), so that leases, claims and due times are judged alike by
    /// every process. Everything the engine dates, and every task's <see cref="TaskContext.Time"/>, uses it.
    /// </summary>
    public StoreAlignedClock Time { get; }

    /// <summary>Fires when work appears in this process.</summary>
    public FlowSignal Signal { get; } = new();

    /// <summary>
    /// Raised after every committed transition, with the records the store was handed: the store-level hook,
    /// for store tests and benchmarks. Progress displays, live streams and counters subscribe to
    /// <see cref="IFlowChangeFeed"/> instead. Handlers must be quick.
    /// </summary>
    public event Action<FlowTransition>? Committed;

    /// <summary>Raised when running a flow failed unexpectedly (a store error); the flow is retried after its lease expires.</summary>
    public event Action<string, Exception>? Faulted;

    private DateTimeOffset Now => Time.GetUtcNow();

    private string Owner => Options.WorkerId;

    /// <summary>The flow with its steps, or null.</summary>
    public async Task<FlowView?> GetAsync(string flowId, CancellationToken cancellationToken = default)
    {
        // The flow first, its steps after: a commit ends a flow and its steps together, so steps read after the
        // flow are never older than it. Read at once, a flow could come back finished with a step still running.
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        return flow is null ? null : new FlowView(flow, await Store.GetStepsAsync(flowId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        storeNotifications?.Dispose();
        if (clockAlignment is not null)
        {
            await clockAlignment.DisposeAsync().ConfigureAwait(false);
        }

        await heartbeat.DisposeAsync().ConfigureAwait(false);
    }
}
