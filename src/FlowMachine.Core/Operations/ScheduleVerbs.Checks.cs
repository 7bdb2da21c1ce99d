using System.Globalization;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

// The checks that need the routines and the task catalogue, the document, and the starts people ask for.
public sealed partial class ScheduleVerbs
{
    private async Task<IReadOnlyList<SpecError>> CheckAsync(string? name, ScheduleDefinition definition, CancellationToken cancellationToken)
    {
        var errors = new List<SpecError>();
        if (ScheduleRules.NameProblem(name) is { } problem)
        {
            errors.Add(new SpecError("name", problem));
        }

        errors.AddRange(ScheduleRules.Check(definition));
        if (definition.Routine is { } routine && definition.Spec is null)
        {
            if (await store.GetRoutineAsync(routine, definition.Version, cancellationToken).ConfigureAwait(false) is null)
            {
                errors.Add(definition.Version is { } v && await store.GetRoutineAsync(routine, null, cancellationToken).ConfigureAwait(false) is not null
                    ? new SpecError("version", $"routine '{routine}' has no version {v}")
                    : new SpecError("routine", $"routine '{routine}' does not exist; add it first (flowmachine routines add)"));
            }
        }
        else if (definition.Spec is { } spec && definition.Routine is null)
        {
            var compiled = specs.Compile(spec);
            errors.AddRange(compiled.IsValid ? [] : compiled.Errors.Select(e => e with { Path = e.Path.StartsWith(SpecPath.Root, StringComparison.Ordinal) ? "spec" + e.Path[1..] : $"spec.{e.Path}" }));
        }

        return errors;
    }

    private async Task<ScheduleDocument> DocumentAsync(ScheduleRecord row, CancellationToken cancellationToken)
    {
        var last = row.LastFlowId is { } id ? await store.GetFlowAsync(id, cancellationToken).ConfigureAwait(false) : null;
        return Document(row, last?.State);
    }

    /// <summary>The document of a schedule whose last flow is in <paramref name="lastFlowState"/> (null: none, or deleted).</summary>
    private ScheduleDocument Document(ScheduleRecord row, FlowState? lastFlowState)
    {
        // The runner's parsed definition when it is valid (shared: its JSON is copied), else read here as before.
        var shared = runner.StoredDefinition(row.DefinitionJson);
        var definition = shared ?? ScheduleJson.ReadStored(row.DefinitionJson) ?? new ScheduleDefinition();
        return new ScheduleDocument
        {
            Name = row.Name,
            Owner = row.Owner,
            Routine = definition.Routine,
            Version = definition.Version,
            Spec = shared is null ? definition.Spec : definition.Spec?.DeepClone(),
            Input = shared is null ? definition.Input : definition.Input?.DeepClone(),
            Cron = definition.Cron,
            Every = definition.Every is { } every ? Durations.Format(every) : null,
            TimeZone = definition.TimeZone,
            StartAt = definition.StartAt,
            EndAt = definition.EndAt,
            Overlap = ScheduleJson.OverlapName(definition.Overlap),
            Catchup = definition.Catchup is { } c ? new() { ["window"] = Durations.Format(c.Window), ["max"] = c.Max } : null,
            Tags = definition.Tags,
            Priority = definition.Priority,
            Description = ScheduleWords.Describe(definition),
            Paused = row.Paused,
            Note = row.Note,
            NextFireTimes = row.Paused ? [] : runner.NextTimes(row.DefinitionJson, row.NextFireAt, FlowMachineDefaults.Schedules.ShownFireTimes),
            LastSlot = row.LastSlot,
            LastFlowId = row.LastFlowId,
            LastFlowState = lastFlowState?.ToName(),
            BufferedSlot = row.BufferedSlot,
            LastError = row.LastError,
            CreatedAt = row.CreatedAt,
            UpdatedAt = row.UpdatedAt,
        };
    }

    /// <summary>Starts one flow of the schedule now, whatever its overlap policy (its slot is the current time).</summary>
    public async Task<ScheduleResult> TriggerAsync(string name, Caller caller, CancellationToken cancellationToken = default)
    {
        if (await AllowedAsync(name, caller, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return await StartedAsync(name, await runner.TriggerAsync(name, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts one flow per slot from <paramref name="from"/> to <paramref name="to"/> (ISO 8601, both included), by the
    /// schedule's overlap policy as if each slot fired in turn; slots already started are not started again.
    /// </summary>
    public async Task<ScheduleResult> BackfillAsync(string name, string? from, string? to, Caller caller, CancellationToken cancellationToken = default)
    {
        var errors = new List<SpecError>();
        var start = Time("from", from, errors);
        var end = Time("to", to, errors);
        if (start is { } s && end is { } e && e < s)
        {
            errors.Add(new SpecError("to", "'to' is before 'from'"));
        }

        if (errors.Count > 0)
        {
            return ScheduleResult.Invalid(errors);
        }

        if (await AllowedAsync(name, caller, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var row = (await store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false))!;
        var max = FlowMachineDefaults.Schedules.MaxBackfillSlots;
        var slots = runner.SlotsBetween(row.DefinitionJson, start!.Value, end!.Value, max) ?? [];
        if (slots.Count > max)
        {
            return ScheduleResult.Invalid("to", string.Create(CultureInfo.InvariantCulture, $"the range holds more than {max} slots; backfill it in parts"));
        }

        var overlap = (runner.StoredDefinition(row.DefinitionJson) ?? ScheduleJson.ReadStored(row.DefinitionJson))?.Overlap ?? ScheduleOverlap.Skip;
        return await StartedAsync(name, await runner.BackfillAsync(name, slots, overlap, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset? Time(string field, string? text, List<SpecError> errors)
    {
        if (ScheduleJson.TryParseTime(text, out var time))
        {
            return time;
        }

        errors.Add(new SpecError(field, text is null ? $"'{field}' is missing: give a time in ISO 8601, like 2026-12-01T00:00:00Z" : $"'{text}' is not a time; write it in ISO 8601, like 2026-12-01T00:00:00Z"));
        return null;
    }

    private async Task<ScheduleResult?> AllowedAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var row = await store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false);
        return row is null ? ScheduleResult.Of(ScheduleOutcome.NotFound)
            : !caller.IsAdmin && !caller.Owns(row.Owner) ? ScheduleResult.Of(ScheduleOutcome.Forbidden)
            : null;
    }

    private async Task<ScheduleResult> StartedAsync(string name, ScheduleStart? started, CancellationToken cancellationToken)
    {
        if (started is null)
        {
            return ScheduleResult.Of(await store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false) is null ? ScheduleOutcome.NotFound : ScheduleOutcome.Busy);
        }

        if (!started.Fired)
        {
            return ScheduleResult.Of(ScheduleOutcome.Busy);
        }

        return new ScheduleResult { Outcome = ScheduleOutcome.Ok, Started = started, Schedule = await GetAsync(name, cancellationToken).ConfigureAwait(false) };
    }
}
