using System.Diagnostics.CodeAnalysis;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Scheduling;

/// <summary>
/// Fires schedules: claims the due ones under a lease, decides which slots start by the catch-up and overlap
/// policies, and writes each schedule's flows and its next fire time in one transaction, so a slot starts once
/// across any number of processes and crashes. It wakes at the next due schedule, when a schedule changes in
/// this process, and otherwise polls.
/// </summary>
public sealed partial class ScheduleRunner
{
    private readonly FlowEngine engine;
    private readonly ScheduleDefinitions definitions = new();

    public ScheduleRunner(FlowEngine engine, ScheduleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        this.engine = engine;
        Options = options ?? new ScheduleOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.LeaseDuration, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.PollInterval, TimeSpan.Zero, nameof(options));
    }

    public ScheduleOptions Options { get; }

    /// <summary>Notified when a schedule is created or changed in this process: the runner looks again at once.</summary>
    public FlowSignal Changed { get; } = new();

    private IScheduleStore Store => engine.Store;

    private TimeProvider Time => engine.Time;

    private string Owner => engine.Options.WorkerId;

    /// <summary>Fires every schedule due at the clock's current time; returns how many flows it started.</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken = default)
    {
        var started = 0;
        while (true)
        {
            var now = Time.GetUtcNow();
            var claimed = await Store.ClaimDueSchedulesAsync(Owner, Options.BatchSize, now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                return started;
            }

            var targets = new Dictionary<string, ScheduledTarget>(StringComparer.Ordinal);
            var firings = new List<PlannedFiring>(claimed.Count);
            foreach (var schedule in claimed)
            {
                firings.Add(await PlanDueAsync(schedule, now, targets, cancellationToken).ConfigureAwait(false));
            }

            started += await FireAsync(firings, cancellationToken).ConfigureAwait(false);
            if (claimed.Count < Options.BatchSize)
            {
                return started;
            }
        }
    }

    /// <summary>Fires due schedules until <paramref name="stoppingToken"/> is cancelled.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A store error is reported through FlowEngine.Faulted and the runner tries again after its poll interval; the leases it held expire.")]
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = Changed.NextAsync();
            DateTimeOffset? due = null;
            try
            {
                await FireDueAsync(stoppingToken).ConfigureAwait(false);
                due = await Store.GetNextScheduleDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                engine.ReportFault("schedules", ex);
            }

            try
            {
                var now = Time.GetUtcNow();
                var wakeAt = now + Options.PollInterval;
                if (due is { } at)
                {
                    wakeAt = at - now < TimeSpan.FromMilliseconds(1) ? now + TimeSpan.FromMilliseconds(1) : at < wakeAt ? at : wakeAt;
                }

                await Task.WhenAny(changed, ClockDelay.Until(Time, wakeAt, stoppingToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<PlannedFiring> PlanDueAsync(ClaimedSchedule claimed, DateTimeOffset now, Dictionary<string, ScheduledTarget> targets, CancellationToken cancellationToken)
    {
        var schedule = claimed.Schedule;
        if (definitions.Get(schedule.DefinitionJson) is not var (definition, times))
        {
            return Release(schedule, now, next: null, $"the stored definition of schedule '{schedule.Name}' is not valid; save it again");
        }

        // Walk the due slots; keep only those the catch-up policy may fire (the newest missed one and the window).
        var keepFrom = now - (definition.Catchup is { } c && c.Window > Options.MisfireThreshold ? c.Window : Options.MisfireThreshold);
        var due = new List<DateTimeOffset>();
        DateTimeOffset? newestOld = null;
        var next = schedule.NextFireAt;
        for (var walked = 0; next is { } slot && slot <= now && walked < MaxWalk; walked++)
        {
            if (slot >= keepFrom)
            {
                due.Add(slot);
            }
            else
            {
                newestOld = slot;
            }

            next = times.Next(slot);
        }

        if (newestOld is { } old)
        {
            due.Insert(0, old);
        }

        var fire = SlotPlanner.CatchUp(due, now, Options.MisfireThreshold, definition.Catchup);
        var decision = SlotPlanner.Decide(definition.Overlap, fire, IsRunning(claimed), schedule.BufferedSlot);
        return await PlanAsync(claimed, definition, decision, now, targets, advancesTo: next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many slots one firing walks at most; the rest are walked at the next one.</summary>
    private const int MaxWalk = 100_000;

    private static bool IsRunning(ClaimedSchedule claimed) => claimed.LastFlowState is { } state && !state.IsTerminal();

    private PlannedFiring Release(ScheduleRecord schedule, DateTimeOffset now, DateTimeOffset? next, string error) => new(new ScheduleFiring
    {
        Name = schedule.Name,
        LeaseOwner = Owner,
        NextFireAt = next,
        BufferedSlot = schedule.BufferedSlot,
        LastError = error,
        Now = now,
    });
}
