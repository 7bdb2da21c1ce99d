using System.Text.Json.Nodes;

namespace FlowMachine.Client.Tests.Support;

/// <summary>Inline specs on the sample tasks.</summary>
public static class SeedSpecs
{
    /// <summary>The seed routine: test.One, test.Two, then test.Wait waits ("Wait for external"), then test.Three.</summary>
    public static JsonNode Seed() => JsonNode.Parse("""{"label": "egg", "tasks": ["test.One", "test.Two", "test.Wait", "test.Three"]}""")!;

    public static StartFlowRequest SeedStart(string? key = null, IReadOnlyList<string>? tags = null) =>
        new() { SpecNode = Seed(), Key = key, Tags = tags, Input = new JsonObject { ["order"] = 42 } };
}
