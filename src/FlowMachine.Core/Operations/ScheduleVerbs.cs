using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// Schedules, the same from the API, the CLI, the dashboard, the builder and the testing kit: the rules, the
/// checks of the routine or spec, who may change a schedule (its owner or an administrator; everyone sees
/// every schedule, as with routines), and the starts people ask for (trigger, backfill).
/// </summary>
public sealed partial class ScheduleVerbs(IFlowStore store, SpecInput specs, ScheduleRunner runner, TimeProvider time)
{
    private static readonly string[] BodyFields = ["name", "paused", "note"];
    private static readonly IReadOnlyDictionary<string, FlowState> NoStates = new Dictionary<string, FlowState>();

    /// <summary>How many schedules' last flows <see cref="ListAsync"/> reads at once.</summary>
    private const int LastFlowPage = 500;

    /// <summary>Creates a schedule from a body with <c>name</c>, the definition's fields, and optionally <c>paused</c> and <c>note</c>.</summary>
    public async Task<ScheduleResult> CreateAsync(JsonObject? body, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (name, definition, paused, note, errors) = await ReadAsync(body, null, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ScheduleResult.Invalid(errors);
        }

        return await AddAsync(name!, definition!, paused ?? false, note, caller.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a schedule from a definition made in code; refused with the field at fault, or Conflict when the name is taken.</summary>
    public async Task<ScheduleResult> AddAsync(string name, ScheduleDefinition definition, bool paused, string? note, string? owner, CancellationToken cancellationToken = default)
    {
        var errors = await CheckAsync(name, definition, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ScheduleResult.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var json = Canonical(definition);
        var record = new ScheduleRecord
        {
            Name = name,
            Owner = owner,
            DefinitionJson = json,
            Paused = paused,
            Note = note,
            NextFireAt = runner.NextAfter(json, now),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await store.CreateScheduleAsync(record, cancellationToken).ConfigureAwait(false))
        {
            return ScheduleResult.Invalid([new SpecError("name", $"a schedule named '{name}' exists")]) with { Outcome = ScheduleOutcome.Conflict };
        }

        runner.Changed.Notify();
        return new ScheduleResult { Outcome = ScheduleOutcome.Created, Schedule = await DocumentAsync(record, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>Replaces a schedule's definition (PUT): the body has the definition's fields, optionally <c>paused</c>, <c>note</c> and the same <c>name</c>.</summary>
    public async Task<ScheduleResult> ReplaceAsync(string name, JsonObject? body, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (_, definition, paused, note, errors) = await ReadAsync(body, name, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ScheduleResult.Invalid(errors);
        }

        return await ChangeAsync(name, caller, row =>
        {
            row.DefinitionJson = Canonical(definition!);
            row.Paused = paused ?? row.Paused;
            row.Note = body!.ContainsKey("note") ? note : row.Note;
            row.NextFireAt = runner.NextAfter(row.DefinitionJson, time.GetUtcNow());
            row.BufferedSlot = null;
            row.LastError = null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the schedule or, when the name is taken, replaces its definition (keeping whether it is paused):
    /// how a host declares its schedules at start. Several processes doing it at once store one schedule.
    /// </summary>
    public async Task<ScheduleResult> DeclareAsync(string name, ScheduleDefinition definition, string? owner, CancellationToken cancellationToken = default)
    {
        var created = await AddAsync(name, definition, paused: false, note: null, owner, cancellationToken).ConfigureAwait(false);
        if (created.Outcome != ScheduleOutcome.Conflict)
        {
            return created;
        }

        var json = Canonical(definition);
        return await ChangeAsync(name, new Caller(owner ?? "", IsAdmin: true), row =>
        {
            if (row.DefinitionJson != json)
            {
                row.DefinitionJson = json;
                row.NextFireAt = runner.NextAfter(json, time.GetUtcNow());
                row.BufferedSlot = null;
                row.LastError = null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schedule, or null.</summary>
    public async Task<ScheduleDocument?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var row = await store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false);
        return row is null ? null : await DocumentAsync(row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every schedule, by name.</summary>
    public async Task<IReadOnlyList<ScheduleDocument>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await store.ListSchedulesAsync(cancellationToken).ConfigureAwait(false);
        var documents = new List<ScheduleDocument>(rows.Count);
        foreach (var page in rows.Chunk(LastFlowPage))
        {
            // The last flows of a whole page of schedules in one read, not one read per schedule.
            var ids = page.Select(r => r.LastFlowId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var states = ids.Count == 0 ? NoStates : await store.GetFlowStatesAsync(ids, cancellationToken).ConfigureAwait(false);
            documents.AddRange(page.Select(r => Document(r, r.LastFlowId is { } id && states.TryGetValue(id, out var state) ? state : null)));
        }

        return documents;
    }

    /// <summary>Deletes the schedule; the flows it started stay.</summary>
    public async Task<ScheduleResult> DeleteAsync(string name, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var row = await store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return ScheduleResult.Of(ScheduleOutcome.NotFound);
        }

        if (!caller.IsAdmin && !caller.Owns(row.Owner))
        {
            return ScheduleResult.Of(ScheduleOutcome.Forbidden);
        }

        return ScheduleResult.Of(await store.DeleteScheduleAsync(name, cancellationToken).ConfigureAwait(false) ? ScheduleOutcome.Ok : ScheduleOutcome.NotFound);
    }

    /// <summary>Pauses the schedule, with an optional note saying why.</summary>
    public Task<ScheduleResult> PauseAsync(string name, string? note, Caller caller, CancellationToken cancellationToken = default) =>
        ChangeAsync(name, caller, row =>
        {
            row.Paused = true;
            row.Note = note ?? row.Note;
        }, cancellationToken);

    /// <summary>Resumes the schedule: it fires from the next slot after now; slots that passed while paused do not fire.</summary>
    public Task<ScheduleResult> ResumeAsync(string name, Caller caller, CancellationToken cancellationToken = default) =>
        ChangeAsync(name, caller, row =>
        {
            if (row.Paused)
            {
                row.Paused = false;
                row.NextFireAt = runner.NextAfter(row.DefinitionJson, time.GetUtcNow());
                row.BufferedSlot = null;
            }
        }, cancellationToken);

    private async Task<ScheduleResult> ChangeAsync(string name, Caller caller, Action<ScheduleRecord> change, CancellationToken cancellationToken)
    {
        var row = await store.GetScheduleAsync(name, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return ScheduleResult.Of(ScheduleOutcome.NotFound);
        }

        if (!caller.IsAdmin && !caller.Owns(row.Owner))
        {
            return ScheduleResult.Of(ScheduleOutcome.Forbidden);
        }

        change(row);
        row.UpdatedAt = time.GetUtcNow();
        if (!await store.UpdateScheduleAsync(row, cancellationToken).ConfigureAwait(false))
        {
            return ScheduleResult.Of(ScheduleOutcome.NotFound);
        }

        runner.Changed.Notify();
        return new ScheduleResult { Outcome = ScheduleOutcome.Ok, Schedule = await GetAsync(name, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>The stored text: an inline spec is kept compiled (canonical JSON), as a routine's is.</summary>
    private string Canonical(ScheduleDefinition definition)
    {
        if (definition.Spec is { } spec && specs.Compile(spec) is { IsValid: true } compiled)
        {
            definition = definition with { Spec = JsonNode.Parse(SpecJson.Serialize(compiled.Spec!)) };
        }

        return ScheduleJson.Write(definition).ToJsonString();
    }

    private async Task<(string? Name, ScheduleDefinition? Definition, bool? Paused, string? Note, IReadOnlyList<SpecError> Errors)> ReadAsync(JsonObject? body, string? pathName, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return (null, null, null, null, [new SpecError("$", "a schedule is a JSON object with a name, a routine or spec, and cron or every")]);
        }

        var errors = new List<SpecError>();
        var name = body["name"] is { } n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        if (body["name"] is not null && name is null)
        {
            errors.Add(new SpecError("name", "'name' must be a string"));
        }

        if (pathName is not null && name is not null && name != pathName)
        {
            errors.Add(new SpecError("name", $"the body names '{name}' but the address names '{pathName}'; a schedule is not renamed"));
        }

        bool? paused = body["paused"] is { } p ? p.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;
        if (body["paused"] is not null && paused is null)
        {
            errors.Add(new SpecError("paused", "'paused' must be true or false"));
        }

        var note = body["note"] is { } t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        var (definition, read) = ScheduleJson.Read(body, BodyFields);
        errors.AddRange(read);
        if (definition is not null)
        {
            errors.AddRange(await CheckAsync(pathName ?? name, definition, cancellationToken).ConfigureAwait(false));
        }

        return (pathName ?? name, errors.Count == 0 ? definition : null, paused, note, errors);
    }
}
