using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>The child flow named by <c>routine</c> (+ <c>version</c>) or <c>spec</c>; shared by <c>flow</c> and <c>spread</c>.</summary>
internal sealed record ChildTarget(string? Routine, int? Version, JsonObject? Spec)
{
    public static bool Named(TaskContext context) => ParamReader.Given(context, "routine") || ParamReader.Given(context, "spec");

    public static ChildTarget Read(TaskContext context)
    {
        var routine = ParamReader.String(context, "routine");
        var spec = ParamReader.Object(context, "spec");
        var version = ParamReader.Integer(context, "version", 1, int.MaxValue);
        if (routine is not null && spec is not null)
        {
            throw ParamReader.Invalid(context, "give task_params.routine or task_params.spec, not both");
        }

        if (routine is null && spec is null)
        {
            throw ParamReader.Invalid(context, "task_params.routine (a routine name) or task_params.spec (an inline spec object) is required");
        }

        if (routine is { Length: 0 })
        {
            throw ParamReader.Bad(context, "routine", "a routine name", context.Params["routine"]);
        }

        if (spec is not null && version is not null)
        {
            throw ParamReader.Invalid(context, "task_params.version only applies to task_params.routine, not to an inline spec");
        }

        return new ChildTarget(routine, version, spec);
    }
}
