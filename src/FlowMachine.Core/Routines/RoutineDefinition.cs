using System.Text.Json.Nodes;
using FlowMachine.Specs;

namespace FlowMachine.Routines;

/// <summary>A built and validated routine: its name and its spec, in the canonical form a stored routine has.</summary>
public sealed class RoutineDefinition
{
    internal RoutineDefinition(string name, FlowSpec spec)
    {
        Name = name;
        Spec = spec;
    }

    /// <summary>The routine's name.</summary>
    public string Name { get; }

    /// <summary>The validated spec.</summary>
    public FlowSpec Spec { get; }

    /// <summary>The canonical JSON of the spec: the text a stored routine keeps and <c>flowmachine routines show</c> prints (indented).</summary>
    public string ToJson(bool indented = false) => SpecJson.Serialize(Spec, indented);

    /// <summary>The canonical spec as a JSON document.</summary>
    public JsonObject ToDocument() => (JsonObject)JsonNode.Parse(ToJson())!;

    /// <summary>The canonical spec as YAML: the same document, read back to the same spec.</summary>
    public string ToYaml() => JsonToYaml.Write(ToDocument());

    /// <inheritdoc/>
    public override string ToString() => $"routine {Name}";
}
