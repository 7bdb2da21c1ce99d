using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Scheduling;

// Turning a decision into a firing, writing firings, and the starts people ask for (trigger, backfill).
public sealed partial class ScheduleRunner
{
    private async Task<PlannedFiring> PlanAsync(ClaimedSchedule claimed, ScheduleDefinition definition, SlotDecision decision, DateTimeOffset now, Dictionary<string, ScheduledTarget> targets, DateTimeOffset? advancesTo, CancellationToken cancellationToken, bool advances = true, string? leaseOwner = null)
    {
        var schedule = claimed.Schedule;
        string? error = null;
        var flows = new List<NewFlow>(decision.Starts.Count);
        if (decision.Starts.Count > 0)
        {
            var target = await TargetAsync(definition, targets, cancellationToken).ConfigureAwait(false);
            error = target.Error;
            foreach (var slot in target.Build is null ? [] : decision.Starts)
            {
                var flow = target.Build!(schedule.Name, schedule.Owner, definition.Input, definition.Tags, slot, ScheduleKeys.For(schedule.Name, slot), now);
                flow.Flow.Priority = definition.Priority ?? flow.Flow.Priority;
                flows.Add(flow);
            }
        }

        var firing = new ScheduleFiring
        {
            Name = schedule.Name,
            LeaseOwner = leaseOwner ?? Owner,
            Flows = flows,
            AdvancesNextFire = advances,
            NextFireAt = advancesTo,
            LastSlot = flows.Count > 0 ? flows[^1].Flow.Slot : null,
            LastFlowKey = flows.Count > 0 ? flows[^1].Flow.Key : null,
            BufferedSlot = decision.Buffered,
            LastError = error,
            Now = now,
        };
        return new PlannedFiring(firing, decision.CancelPrevious && flows.Count > 0 ? schedule.LastFlowId : null);
    }

    /// <summary>The target of a definition, resolved once per firing round for every schedule that shares it (the input differs per schedule).</summary>
    private async Task<ScheduledTarget> TargetAsync(ScheduleDefinition definition, Dictionary<string, ScheduledTarget> targets, CancellationToken cancellationToken)
    {
        var key = definition.Spec is { } spec ? "spec:" + spec.ToJsonString() : $"routine:{definition.Routine}:{definition.Version}";
        if (targets.TryGetValue(key, out var target))
        {
            return target;
        }

        try
        {
            target = new ScheduledTarget(await engine.ScheduledFlowsAsync(definition.Routine, definition.Version, definition.Spec, cancellationToken).ConfigureAwait(false), null);
        }
        catch (SpecException ex)
        {
            target = new ScheduledTarget(null, string.Join("; ", ex.Errors.Select(e => $"{e.Path}: {e.Message}")));
        }

        targets[key] = target;
        return target;
    }

    /// <summary>Writes the firings; cancels the previous flows the cancel policy replaces; wakes the workers. Returns how many flows started.</summary>
    private async Task<int> FireAsync(IReadOnlyList<PlannedFiring> firings, CancellationToken cancellationToken) =>
        (await FireWithResultsAsync(firings, cancellationToken).ConfigureAwait(false)).Sum(r => r.Created.Count);

    private async Task<IReadOnlyList<ScheduleFireResult>> FireWithResultsAsync(IReadOnlyList<PlannedFiring> planned, CancellationToken cancellationToken)
    {
        var firings = planned.Select(p => p.Firing).ToList();
        var results = await Store.FireSchedulesAsync(firings, cancellationToken).ConfigureAwait(false);
        var started = 0;
        for (var i = 0; i < firings.Count; i++)
        {
            if (results[i].Fired && planned[i].CancelFlowId is { } previous)
            {
                await engine.CancelAsync(previous, $"schedule '{firings[i].Name}' started the flow of slot {ScheduleJson.TimeText(firings[i].LastSlot!.Value)} (overlap policy cancel)", $"schedule:{firings[i].Name}", cancellationToken).ConfigureAwait(false);
            }

            started += results[i].Created.Count;
            foreach (var flow in results[i].Created)
            {
                Diagnostics.FlowMachineDiagnostics.FiringLag.Record((flow.CreatedAt - flow.Slot!.Value).TotalSeconds);
                Diagnostics.FlowMachineDiagnostics.FlowStarted(flow);
            }
        }

        if (started > 0)
        {
            Diagnostics.FlowMachineDiagnostics.SlotsFired.Add(started);
            engine.Signal.Notify();
        }

        return results;
    }

    /// <summary>
    /// Starts one flow of <paramref name="name"/> now, whatever its overlap policy; its slot is the current
    /// time. The schedule's next fire time stays. Null when there is no such schedule or another worker holds
    /// it for longer than the lease.
    /// </summary>
    internal async Task<ScheduleStart?> TriggerAsync(string name, CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(name, cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return null;
        }

        var now = Time.GetUtcNow();
        var slot = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        return await FireChosenAsync(claimed, new SlotDecision([slot], false, claimed.Schedule.BufferedSlot, 0), now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts one flow per slot of <paramref name="name"/> in <paramref name="slots"/>, by the overlap policy as if each slot fired in turn; a slot already started is not
    /// started again. The next fire time stays.
    /// </summary>
    internal async Task<ScheduleStart?> BackfillAsync(string name, IReadOnlyList<DateTimeOffset> slots, ScheduleOverlap overlap, CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(name, cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return null;
        }

        var decision = SlotPlanner.Decide(overlap, slots, IsRunning(claimed), claimed.Schedule.BufferedSlot);
        return await FireChosenAsync(claimed, decision, Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The slots of a definition in a range, at most <paramref name="max"/> + 1 (so a caller can refuse too many).</summary>
    internal IReadOnlyList<DateTimeOffset>? SlotsBetween(string definitionJson, DateTimeOffset from, DateTimeOffset to, int max) =>
        definitions.Get(definitionJson) is var (_, times) ? times.Between(from, to, max) : null;

    /// <summary>The next <paramref name="count"/> fire times from <paramref name="first"/> on.</summary>
    internal IReadOnlyList<DateTimeOffset> NextTimes(string definitionJson, DateTimeOffset? first, int count)
    {
        var list = new List<DateTimeOffset>(count);
        if (definitions.Get(definitionJson) is not var (_, times))
        {
            return list;
        }

        for (var slot = first; slot is { } s && list.Count < count; slot = times.Next(s))
        {
            list.Add(s);
        }

        return list;
    }

    /// <summary>A stored definition, parsed once and shared (do not change its JSON nodes); null when it is not valid.</summary>
    internal ScheduleDefinition? StoredDefinition(string definitionJson) => definitions.Get(definitionJson)?.Definition;

    /// <summary>The first slot after <paramref name="after"/> of a stored definition, or null when it has ended or is not valid.</summary>
    internal DateTimeOffset? NextAfter(string definitionJson, DateTimeOffset after) =>
        definitions.Get(definitionJson) is var (_, times) ? times.Next(after) : null;

    private async Task<ScheduleStart> FireChosenAsync(ClaimedSchedule claimed, SlotDecision decision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var definition = definitions.Get(claimed.Schedule.DefinitionJson)?.Definition
            ?? throw new InvalidOperationException($"the stored definition of schedule '{claimed.Schedule.Name}' is not valid");
        var planned = await PlanAsync(claimed, definition, decision, now, [], advancesTo: null, cancellationToken, advances: false, leaseOwner: ManualOwner).ConfigureAwait(false);
        var firing = planned.Firing;
        var result = (await FireWithResultsAsync([planned], cancellationToken).ConfigureAwait(false))[0];
        return new ScheduleStart(result.Fired, [.. firing.Flows.Select(f => f.Flow.Key!)], result.Created, decision.Skipped + decision.Starts.Count - firing.Flows.Count, firing.LastError);
    }

    /// <summary>The lease owner of starts people ask for, apart from this process's firing of due slots.</summary>
    private string ManualOwner => Owner + "/manual";

    private async Task<ClaimedSchedule?> ClaimAsync(string name, CancellationToken cancellationToken)
    {
        // A worker holds a schedule for the few milliseconds of a firing: wait for it, up to the lease.
        var until = Time.GetUtcNow() + Options.LeaseDuration;
        while (true)
        {
            var now = Time.GetUtcNow();
            var claimed = await Store.ClaimScheduleAsync(name, ManualOwner, now, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (claimed is not null || now >= until || await Store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false) is null)
            {
                return claimed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
