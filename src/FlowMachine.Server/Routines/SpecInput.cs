using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Registry;
using FlowMachine.Specs;

namespace FlowMachine.Server.Routines;

/// <summary>A spec given in a request: a JSON document, or JSON/YAML text in a string.</summary>
internal static class SpecInput
{
    public static SpecResult Compile(JsonNode spec, ITaskCatalog catalog, SpecLimits limits) =>
        spec.GetValueKind() == JsonValueKind.String
            ? SpecCompiler.Compile(spec.GetValue<string>(), catalog, limits)
            : SpecCompiler.Compile(spec, catalog, limits);
}
