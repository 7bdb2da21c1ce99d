using System.Text.Json.Nodes;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Flows a schedule starts: the target resolved and checked like any start, built without storing.
public sealed partial class FlowEngine
{
    /// <summary>Resolves a schedule's target (a routine, pinned or latest, or an inline spec) once for many schedules and slots.</summary>
    /// <exception cref="SpecException">The routine does not exist or the spec is invalid.</exception>
    internal async Task<Func<string, string?, JsonNode?, IReadOnlyList<string>, DateTimeOffset, string, DateTimeOffset, NewFlow>> ScheduledFlowsAsync(string? routine, int? version, JsonNode? spec, CancellationToken cancellationToken)
    {
        var request = spec is null
            ? new StartFlowRequest { Routine = routine, Version = version }
            : new StartFlowRequest { SpecText = spec.GetValueKind() == System.Text.Json.JsonValueKind.String ? spec.GetValue<string>() : spec.ToJsonString() };
        var (resolved, name, pinned, specJson) = await ResolveSpecAsync(request, cancellationToken).ConfigureAwait(false);
        var json = specJson ?? SpecJson.Serialize(resolved);
        return (schedule, owner, input, tags, slot, key, now) =>
        {
            var flow = NewFlowOf(Options.NewId(), resolved, json, name, pinned, input, key, resolved.Label ?? schedule, owner, parent: null, now);
            flow.Flow.Schedule = schedule;
            flow.Flow.Slot = slot;
            flow.Flow.Priority = resolved.Cfg.Priority ?? 0; // the schedule's own priority, if any, wins (ScheduleRunner)
            // The schedule's tags were checked when it was saved; a spec's own (cfg.tags) join them.
            var (flowTags, error) = FlowTags.Combine(tags, resolved.Cfg.Tags);
            flow.Flow.Tags = error is null ? flowTags : resolved.Cfg.Tags;
            var detail = (JsonObject)flow.History[0].Detail!;
            detail["schedule"] = schedule;
            detail["slot"] = Scheduling.ScheduleJson.TimeText(slot);
            return flow;
        };
    }

    /// <summary>Reports an unexpected error of the schedule runner through <see cref="Faulted"/>.</summary>
    internal void ReportFault(string subject, Exception exception) => Faulted?.Invoke(subject, exception);
}
