using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>
/// openapi.v1.json beside this file is the served document the typed client of <c>GeneratedClientTests</c/> is generated
/// from at build time (NSwag). A change to the served document fails here until the file is refreshed, and a refreshed file
/// that breaks the client breaks the build. Refresh: <c>FLOWMACHINE_UPDATE_OPENAPI=1 dotnet test tests/FlowMachine.Server.Tests --filter OpenApiSnapshotTests</c>.
/// </summary>
public sealed class OpenApiSnapshotTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string SnapshotPath => Path.Combine(Repository.Root, "tests", "FlowMachine.Server.Tests", "OpenApi", "openapi.v1.json");

    [Fact]
    public async Task The_client_is_generated_from_the_document_the_server_serves()
    {
        var served = (await server.Anonymous.GetAsync("/openapi/v1.json")).EnsureSuccessStatusCode();
        var document = JsonNode.Parse(await served.Content.ReadAsStringAsync())!.AsObject();

        // The server URL is the one the document was asked on: the snapshot keeps a fixed one.
        document["servers"] = new JsonArray(new JsonObject { ["url"] = "http://localhost:5080" });
        var text = document.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable("FLOWMACHINE_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(SnapshotPath, text);
        }

        var snapshot = (await File.ReadAllTextAsync(SnapshotPath)).ReplaceLineEndings("\n");
        Assert.True(
            snapshot == text,
            $"the served OpenAPI document differs from {SnapshotPath}, which the test client is generated from; refresh it with FLOWMACHINE_UPDATE_OPENAPI=1 dotnet test tests/FlowMachine.Server.Tests --filter OpenApiSnapshotTests, then build");
    }
}
