using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Registry;
using FlowMachine.Specs;

namespace FlowMachine.Operations;

/// <summary>
/// A spec as a caller gives it (a JSON document, or JSON/YAML text in a string), compiled against the task
/// catalogue under the configured limits: the same on every surface.
/// </summary>
public sealed class SpecInput(ITaskCatalog catalog, SpecLimits limits)
{
    /// <summary>Compiles a spec given as a JSON document, or as JSON/YAML text in a string.</summary>
    public SpecResult Compile(JsonNode spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.GetValueKind() == JsonValueKind.String
            ? SpecCompiler.Compile(spec.GetValue<string>(), catalog, limits)
            : SpecCompiler.Compile(spec, catalog, limits);
    }
}
