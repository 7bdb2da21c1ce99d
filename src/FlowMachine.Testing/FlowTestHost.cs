using System.Globalization;
using System.Reflection;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Testing;

/// <summary>
/// An in-process FlowMachine for tests of tasks and routines: the in-memory store, a
/// <see cref="ManualClock"/> that the engine uses for timers, retries and <c>Wait(until)</c>, and your
/// task types. Nothing runs in the background: flows run when a test starts, pushes or advances time,
/// so every test is deterministic and a week-long timer completes in milliseconds.
/// </summary>
/// <example>
/// <code>
/// await using var host = new FlowTestHost().AddTask&lt;Approve&gt;();
/// var flow = await host.RunAsync("tasks: [shop.Approve, print]");
/// flow.ShouldBeWaiting("manual review");
/// flow = await host.PushAsync(flow.Id, "approved");
/// flow.ShouldBeCompleted().ShouldHavePath("shop.Approve", "print");
/// </code>
/// </example>
public sealed class FlowTestHost : IAsyncDisposable
{
    private readonly CapturingTaskLog log = new();
    private readonly ServiceProvider services;
    private readonly int maxRounds;
    private int ids;

    /// <summary>Creates a host with the built-in task types and a clock at <see cref="ManualClock.DefaultStart"/>.</summary>
    public FlowTestHost()
        : this(new FlowTestHostOptions())
    {
    }

    /// <summary>Creates a host with the given settings.</summary>
    public FlowTestHost(FlowTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRounds, 1);
        maxRounds = options.MaxRounds;
        Clock = new ManualClock(options.Start);

        // Composed as an app's AddFlowMachine() is, with the manual clock and nothing running in the background.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddFlowMachine(o =>
        {
            o.RunWorker = false;
            o.BuiltIns = options.BuiltIns;
        }).UseInMemory().ConfigureEngine(o =>
        {
            o.TaskLog = log;
            o.Services = options.Services;
            o.WorkerId = "flow-test-host";

            // Ordered, readable ids: the first flow of a test is always flow-000001.
            o.NewId = () => "flow-" + Interlocked.Increment(ref ids).ToString("D6", CultureInfo.InvariantCulture);
        });
        this.services = services.BuildServiceProvider();
        Registry = this.services.GetRequiredService<TaskRegistry>();
        Store = this.services.GetRequiredService<IFlowStore>();
        Engine = this.services.GetRequiredService<FlowEngine>();
        Client = this.services.GetRequiredService<IFlowClient>();
        Schedules = this.services.GetRequiredService<ScheduleVerbs>();
        scheduler = this.services.GetRequiredService<ScheduleRunner>();
    }

    private readonly ScheduleRunner scheduler;

    /// <summary>The schedules of this host (add, pause, trigger, backfill …); they fire as the clock advances.</summary>
    public ScheduleVerbs Schedules { get; }

    /// <summary>Adds a schedule that fires as <see cref="AdvanceAsync(TimeSpan, CancellationToken)"/> moves the clock.</summary>
    /// <exception cref="FlowAssertionException">The schedule was refused; the message names each field at fault.</exception>
    public async Task<ScheduleDocument> AddScheduleAsync(string name, ScheduleDefinition definition, CancellationToken cancellationToken = default)
    {
        var added = await Schedules.AddAsync(name, definition, paused: false, note: null, owner: null, cancellationToken).ConfigureAwait(false);
        return added.Schedule ?? throw new FlowAssertionException($"The schedule '{name}' was refused ({added.Outcome}): {string.Join("; ", added.Errors.Select(e => $"{e.Path}: {e.Message}"))}");
    }

    /// <summary>The flows a schedule started, oldest slot first.</summary>
    public async Task<IReadOnlyList<FlowRecord>> ScheduledFlowsAsync(string schedule, CancellationToken cancellationToken = default) =>
        [.. (await AllFlowsAsync(new FlowQuery { Schedule = schedule }, cancellationToken).ConfigureAwait(false)).OrderBy(f => f.Slot).ThenBy(f => f.Id, StringComparer.Ordinal)];

    /// <summary>The clock the engine runs on; prefer <see cref="AdvanceAsync(TimeSpan, CancellationToken)"/>, which also runs what fell due.</summary>
    public ManualClock Clock { get; }

    /// <summary>The task types flows may use.</summary>
    public TaskRegistry Registry { get; }

    /// <summary>The in-memory store.</summary>
    public IFlowStore Store { get; }

    /// <summary>The engine.</summary>
    public FlowEngine Engine { get; }

    /// <summary>A client over the engine, for code under test that takes an <see cref="IFlowClient"/>.</summary>
    public IFlowClient Client { get; }

    /// <summary>Every line tasks wrote to <see cref="TaskContext.Log"/>, in order (warnings start with <c>WARN</c>, errors with <c>ERROR</c>).</summary>
    public IReadOnlyList<string> LogLines => [.. log.Lines];

    // Task types -------------------------------------------------------------------------------

    /// <summary>Registers <typeparamref name="T"/> under each of its <see cref="TaskTypeAttribute"/> names.</summary>
    /// <returns>This host, for chaining.</returns>
    public FlowTestHost AddTask<T>()
        where T : IFlowTask
    {
        Registry.Register<T>();
        return this;
    }

    /// <summary>Registers a task type by name with a factory (handy for fakes and lambdas in tests).</summary>
    /// <returns>This host, for chaining.</returns>
    public FlowTestHost AddTask(string name, Func<IFlowTask> factory)
    {
        Registry.Register(name, factory);
        return this;
    }

    /// <summary>Registers a task type by name that runs <paramref name="perform"/>.</summary>
    /// <returns>This host, for chaining.</returns>
    public FlowTestHost AddTask(string name, Func<TaskContext, Outcome> perform)
    {
        ArgumentNullException.ThrowIfNull(perform);
        Registry.Register(name, () => new DelegateTask(perform));
        return this;
    }

    /// <summary>Registers every <see cref="TaskTypeAttribute"/> class in <paramref name="assembly"/>.</summary>
    /// <returns>This host, for chaining.</returns>
    public FlowTestHost AddTasks(Assembly assembly)
    {
        Registry.RegisterAssembly(assembly);
        return this;
    }

    /// <summary>Validates <paramref name="spec"/> (JSON or YAML) and stores it as a routine that flows and <c>Spawn</c> can name.</summary>
    /// <returns>The stored version.</returns>
    /// <exception cref="SpecException">The spec is invalid.</exception>
    public async Task<int> AddRoutineAsync(string name, string spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var compiled = SpecCompiler.Compile(spec, Registry).GetOrThrow();
        var saved = await Store.SaveRoutineAsync(name, SpecJson.Serialize(compiled), null, Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return saved.Version;
    }

    /// <summary>Validates a routine built in C# (<c>Routine.Define(...).Build()</c>) against this host's task types and stores it, as <c>AddRoutine</c> does at a host's start.</summary>
    /// <returns>The stored version: a new one only when the spec changed.</returns>
    /// <exception cref="SpecException">The routine uses a task type this host does not have, or is otherwise invalid.</exception>
    public Task<int> AddRoutineAsync(FlowMachine.Routines.RoutineDefinition routine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routine);
        return AddRoutineAsync(routine.Name, routine.ToJson(), cancellationToken);
    }

    // Starting and running ---------------------------------------------------------------------

    /// <summary>Stores a flow of an inline spec (JSON or YAML) without running it; it is PENDING.</summary>
    /// <exception cref="SpecException">The spec is invalid; nothing is stored.</exception>
    public Task<TestFlow> StartAsync(string spec, object? input = null, string? key = null, CancellationToken cancellationToken = default) =>
        StartAsync(new StartFlowRequest { SpecText = spec, Input = OutcomeJson.ToNode(input), Key = key }, cancellationToken);

    /// <summary>Stores a flow of a routine added with <see cref="AddRoutineAsync(string, string, CancellationToken)"/> without running it.</summary>
    /// <exception cref="SpecException">The routine does not exist.</exception>
    public Task<TestFlow> StartRoutineAsync(string routine, object? input = null, string? key = null, CancellationToken cancellationToken = default) =>
        StartAsync(new StartFlowRequest { Routine = routine, Input = OutcomeJson.ToNode(input), Key = key }, cancellationToken);

    /// <summary>Stores a flow as the request says, without running it.</summary>
    public async Task<TestFlow> StartAsync(StartFlowRequest request, CancellationToken cancellationToken = default)
    {
        var started = await Engine.StartAsync(request, cancellationToken).ConfigureAwait(false);
        return await GetAsync(started.Flow.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a flow of an inline spec and runs it until it ends or pauses (waits, or has a timer not yet due).</summary>
    /// <exception cref="SpecException">The spec is invalid; nothing is stored.</exception>
    public async Task<TestFlow> RunAsync(string spec, object? input = null, string? key = null, CancellationToken cancellationToken = default)
    {
        var flow = await StartAsync(spec, input, key, cancellationToken).ConfigureAwait(false);
        await RunDueAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(flow.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a flow of a stored routine and runs it until it ends or pauses.</summary>
    /// <exception cref="SpecException">The routine does not exist.</exception>
    public async Task<TestFlow> RunRoutineAsync(string routine, object? input = null, string? key = null, CancellationToken cancellationToken = default)
    {
        var flow = await StartRoutineAsync(routine, input, key, cancellationToken).ConfigureAwait(false);
        await RunDueAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(flow.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fires the schedules due at the clock's current time and runs every flow that is due (new flows, commands,
    /// events, timers that fell due, child flows and the parents they finish) until nothing more is due now.
    /// </summary>
    /// <returns>How many flow runs it made.</returns>
    /// <exception cref="FlowAssertionException">The flows did not settle within <see cref="FlowTestHostOptions.MaxRounds"/> rounds.</exception>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var runs = 0;
        for (var round = 0; round < maxRounds; round++)
        {
            await scheduler.FireDueAsync(cancellationToken).ConfigureAwait(false);
            var due = await Store.GetNextDueAsync(Engine.Routes, cancellationToken).ConfigureAwait(false);
            if (due is null || due > Clock.GetUtcNow())
            {
                return runs;
            }

            var ran = false;
            foreach (var id in await ActiveFlowIdsAsync(cancellationToken).ConfigureAwait(false))
            {
                var before = await Store.GetFlowAsync(id, cancellationToken).ConfigureAwait(false);
                if (before?.NextRunAt is { } at && at <= Clock.GetUtcNow() && (before.Route is null || Engine.Routes.Contains(before.Route)))
                {
                    await Engine.RunAsync(id, waitForTimers: false, cancellationToken).ConfigureAwait(false);
                    runs++;
                    ran = true;
                }
            }

            if (!ran)
            {
                // Something is due that no active flow explains (an expired lease): nothing to run here.
                return runs;
            }
        }

        throw new FlowAssertionException($"The flows did not settle after {maxRounds} rounds: something is due again every time it runs.");
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/> as real time would pass: every timer, retry backoff,
    /// <c>Wait(until)</c> and schedule slot that falls due on the way fires at its own time, in order, and the flows run.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public async Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        var target = Clock.GetUtcNow() + by;
        await RunDueAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // Step from due time to due time so a retry scheduled by a retry inside the window also runs.
            var due = Earliest(
                await Store.GetNextDueAsync(Engine.Routes, cancellationToken).ConfigureAwait(false),
                await Store.GetNextScheduleDueAsync(cancellationToken).ConfigureAwait(false));
            if (due is null || due > target)
            {
                break;
            }

            if (due > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(due.Value);
            }

            var fired = await scheduler.FireDueAsync(cancellationToken).ConfigureAwait(false);
            if (await RunDueAsync(cancellationToken).ConfigureAwait(false) == 0 && fired == 0)
            {
                break;
            }
        }

        Clock.SetUtcNow(target);
        await RunDueAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Advances the clock by <paramref name="by"/> (see <see cref="AdvanceAsync(TimeSpan, CancellationToken)"/>) and returns the flow afterwards.</summary>
    public async Task<TestFlow> AdvanceAsync(string flowId, TimeSpan by, CancellationToken cancellationToken = default)
    {
        await AdvanceAsync(by, cancellationToken).ConfigureAwait(false);
        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false);
    }

    // Commands from outside --------------------------------------------------------------------

    /// <summary>Pushes <paramref name="value"/> as the waiting step's result, then runs the flow on.</summary>
    /// <exception cref="FlowAssertionException">The push was refused (no such flow, or no step waits).</exception>
    public async Task<TestFlow> PushAsync(string flowId, object? value, string? stepKey = null, CancellationToken cancellationToken = default) =>
        await AfterAsync(flowId, "push", await Engine.PushAsync(flowId, OutcomeJson.ToNode(value), stepKey, "test", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Resubmits the flow: the waiting step's check runs with <paramref name="args"/>, then the flow runs on if it passed.</summary>
    /// <exception cref="FlowAssertionException">The resubmit was refused (no such flow, or no step waits).</exception>
    public async Task<TestFlow> SubmitAsync(string flowId, object? args = null, string? stepKey = null, CancellationToken cancellationToken = default) =>
        await AfterAsync(flowId, "submit", await Engine.SubmitAsync(flowId, OutcomeJson.ToNode(args), stepKey, "test", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Raises the named event for the flow, then runs it on (an event no step waits for yet is kept).</summary>
    /// <exception cref="FlowAssertionException">The event was refused (no such flow, or it has ended).</exception>
    public async Task<TestFlow> RaiseEventAsync(string flowId, string name, object? value = null, CancellationToken cancellationToken = default) =>
        await AfterAsync(flowId, "event", await Engine.RaiseEventAsync(flowId, name, OutcomeJson.ToNode(value), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Raises the event <paramref name="name"/> with the correlation key <paramref name="key"/> for every flow that waits for
    /// it (kept for flows that wait later, an <paramref name="id"/> seen before ignored), then runs the flows it reached.
    /// </summary>
    public async Task<KeyedEventResult> RaiseEventByKeyAsync(string name, string key, object? value = null, string? id = null, CancellationToken cancellationToken = default)
    {
        var raised = await Engine.RaiseKeyedEventAsync(name, key, OutcomeJson.ToNode(value), id, null, cancellationToken).ConfigureAwait(false);
        await RunDueAsync(cancellationToken).ConfigureAwait(false);
        return raised;
    }

    /// <summary>Cancels the flow and runs the cancel.</summary>
    /// <exception cref="FlowAssertionException">The cancel was refused (no such flow, or it has ended).</exception>
    public async Task<TestFlow> CancelAsync(string flowId, string? reason = null, CancellationToken cancellationToken = default) =>
        await AfterAsync(flowId, "cancel", await Engine.CancelAsync(flowId, reason, "test", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Retries an ended flow from where it stopped (failed and skipped steps run again), then runs it on.</summary>
    /// <exception cref="FlowAssertionException">The retry was refused (no such flow, or it is not FAILED, KILLED or CANCELLED).</exception>
    public async Task<TestFlow> RetryAsync(string flowId, CancellationToken cancellationToken = default)
    {
        var result = await Engine.RetryAsync(flowId, "test", cancellationToken).ConfigureAwait(false);
        if (result.Status == CommandStatus.Accepted)
        {
            // The flow has ended, so no round of due flows picks it up: apply the retry here first.
            await Engine.RunAsync(flowId, waitForTimers: false, cancellationToken).ConfigureAwait(false);
        }

        return await AfterAsync(flowId, "retry", result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Suspends the flow: it is not run (by <see cref="RunDueAsync"/> or anything else) until <see cref="ResumeAsync"/>.</summary>
    /// <exception cref="FlowAssertionException">No such flow, or it has ended.</exception>
    public Task<TestFlow> SuspendAsync(string flowId, CancellationToken cancellationToken = default) => HoldAsync(flowId, true, cancellationToken);

    /// <summary>Resumes a suspended flow and runs it on.</summary>
    /// <exception cref="FlowAssertionException">No such flow, or it has ended.</exception>
    public Task<TestFlow> ResumeAsync(string flowId, CancellationToken cancellationToken = default) => HoldAsync(flowId, false, cancellationToken);

    // Reading ----------------------------------------------------------------------------------

    /// <summary>A snapshot of the flow with its steps and history.</summary>
    /// <exception cref="FlowAssertionException">No such flow.</exception>
    public async Task<TestFlow> GetAsync(string flowId, CancellationToken cancellationToken = default)
    {
        var view = await Engine.GetAsync(flowId, cancellationToken).ConfigureAwait(false)
            ?? throw new FlowAssertionException($"Flow {flowId} does not exist in this test host.");
        var history = await Store.GetHistoryAsync(flowId, 0, int.MaxValue, cancellationToken).ConfigureAwait(false);
        return new TestFlow(this, view, history);
    }

    /// <summary>The child flows a flow spawned, oldest first.</summary>
    public async Task<IReadOnlyList<TestFlow>> ChildrenAsync(string flowId, CancellationToken cancellationToken = default)
    {
        var children = new List<TestFlow>();
        foreach (var flow in await AllFlowsAsync(new FlowQuery { ParentFlowId = flowId }, cancellationToken).ConfigureAwait(false))
        {
            children.Add(await GetAsync(flow.Id, cancellationToken).ConfigureAwait(false));
        }

        return [.. children.OrderBy(c => c.Flow.ParentChildIndex).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => services.DisposeAsync();

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private async Task<TestFlow> HoldAsync(string flowId, bool suspend, CancellationToken cancellationToken)
    {
        var result = await Store.SetFlowSuspendedAsync(flowId, suspend, "test", Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (result.Status is HoldStatus.NotFound or HoldStatus.Ended)
        {
            var verb = suspend ? "suspend" : "resume";
            throw new FlowAssertionException(result.Status == HoldStatus.NotFound
                ? $"Cannot {verb} flow {flowId}: it does not exist in this test host."
                : $"Cannot {verb} flow {flowId}: it has ended {result.State?.ToName()}.");
        }

        await RunDueAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TestFlow> AfterAsync(string flowId, string verb, CommandResult result, CancellationToken cancellationToken)
    {
        if (result.Status != CommandStatus.Accepted)
        {
            throw new FlowAssertionException($"The {verb} was refused ({result.Status}): {result.Message}");
        }

        await RunDueAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(flowId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<string>> ActiveFlowIdsAsync(CancellationToken cancellationToken)
    {
        var flows = await AllFlowsAsync(new FlowQuery(), cancellationToken).ConfigureAwait(false);

        // Oldest first, so a parent's children (created later) run after it spawned them.
        return [.. flows.Where(f => !f.State.IsTerminal()).OrderBy(f => f.Id, StringComparer.Ordinal).Select(f => f.Id)];
    }

    private async Task<List<FlowRecord>> AllFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        var all = new List<FlowRecord>();
        var page = query with { Limit = 500 };
        while (true)
        {
            var found = await Store.ListFlowsAsync(page, cancellationToken).ConfigureAwait(false);
            all.AddRange(found.Items);
            if (found.Next is null)
            {
                return all;
            }

            page = page with { After = found.Next };
        }
    }
}
