using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>The served OpenAPI document passes spectral (spectral:oas) and redocly lint (recommended) without errors.</summary>
public sealed class OpenApiLintTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [LinterFact]
    public async Task Spectral_with_the_oas_ruleset_reports_no_errors()
    {
        using var folder = await ServedDocumentAsync();
        File.WriteAllText(folder.File(".spectral.yaml"), "extends: [\"spectral:oas\"]\n");
        var (exitCode, output) = await OpenApiLinters.RunAsync(
            Require(OpenApiLinters.Spectral), folder.Path, "lint", "openapi.json", "--ruleset", ".spectral.yaml", "--fail-severity", "error", "--format", "text");
        Assert.True(exitCode == 0, $"spectral lint reported errors in the served document:\n{output}");
    }

    [LinterFact]
    public async Task Redocly_with_the_recommended_rules_reports_no_errors()
    {
        using var folder = await ServedDocumentAsync();
        File.WriteAllText(folder.File("redocly.yaml"), "extends:\n  - recommended\n");
        var (exitCode, output) = await OpenApiLinters.RunAsync(
            Require(OpenApiLinters.Redocly), folder.Path, "lint", "openapi.json", "--config", "redocly.yaml", "--format", "stylish");
        Assert.True(exitCode == 0, $"redocly lint reported errors in the served document:\n{output}");
        Assert.Contains("openapi.json", output, StringComparison.Ordinal);
    }

    private static string Require(string? tool)
    {
        Assert.True(tool is not null, OpenApiLinters.Missing);
        return tool!;
    }

    /// <summary>The document as a client without a key reads it, in a folder of its own.</summary>
    private async Task<TempFolder> ServedDocumentAsync()
    {
        var response = await server.Anonymous.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        var folder = new TempFolder();
        File.WriteAllText(folder.File("openapi.json"), await response.Content.ReadAsStringAsync());
        return folder;
    }
}
