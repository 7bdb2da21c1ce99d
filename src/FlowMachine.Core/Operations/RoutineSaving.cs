using System.Text.Json.Nodes;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// Saving a routine, the same from the API, the dashboard and the CLI: the one naming rule, the spec
/// compiled against the task catalogue under the configured limits, a new version only when the spec changed.
/// </summary>
public sealed class RoutineSaving(IRoutineStore routines, SpecInput specs, TimeProvider time)
{
    /// <summary>What a save without a spec is told.</summary>
    public const string MissingSpec = "a routine needs a spec: an object with 'tasks' or a list of task names";

    /// <summary>Saves <paramref name="spec"/> (a JSON document, or JSON/YAML text in a string; null when none was given) under <paramref name="name"/>.</summary>
    public async Task<SaveRoutineResult> SaveAsync(string? name, JsonNode? spec, string? owner, CancellationToken cancellationToken)
    {
        if (RoutineNames.Problem(name) is { } problem)
        {
            return SaveRoutineResult.Refused(SaveRoutineError.Name, "name", problem);
        }

        if (spec is null)
        {
            return SaveRoutineResult.Refused(SaveRoutineError.MissingSpec, "spec", MissingSpec);
        }

        var compiled = specs.Compile(spec);
        if (!compiled.IsValid)
        {
            var errors = compiled.Errors.Count > 0 ? compiled.Errors : [new SpecError(SpecPath.Root, "The spec is not valid.")];
            return SaveRoutineResult.Refused(SaveRoutineError.InvalidSpec, "spec", null, errors);
        }

        var before = await routines.GetRoutineAsync(name!, null, cancellationToken).ConfigureAwait(false);
        var saved = await routines.SaveRoutineAsync(name!, SpecJson.Serialize(compiled.Spec!), owner, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new SaveRoutineResult { Saved = saved, NewVersion = before is null || before.Version != saved.Version };
    }
}
