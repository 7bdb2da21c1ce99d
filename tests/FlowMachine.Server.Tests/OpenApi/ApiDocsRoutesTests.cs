using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>docs/api.md against the served OpenAPI document: every route the one names, the other has.</summary>
public sealed partial class ApiDocsRoutesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task Every_route_of_the_document_is_in_the_docs_and_every_route_of_the_docs_is_in_the_document()
    {
        var document = (await server.Anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var served = document["paths"]!.AsObject()
            .SelectMany(path => Methods.Where(m => path.Value!.AsObject().ContainsKey(m)).Select(m => $"{m.ToUpperInvariant()} {path.Key}"))
            .ToHashSet(StringComparer.Ordinal);

        // The document does not list itself; it was just served.
        served.Add("GET /openapi/v1.json");
        var documented = DocumentedRoutes(File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md")));

        Assert.True(served.Count > 30, $"the document has only {served.Count} routes");
        var undocumented = served.Except(documented).Order().ToList();
        var unserved = documented.Except(served).Order().ToList();
        Assert.True(undocumented.Count == 0 && unserved.Count == 0,
            $"in the OpenAPI document, not in docs/api.md: {string.Join(", ", undocumented)}\nin docs/api.md, not in the OpenAPI document: {string.Join(", ", unserved)}");
    }

    [Fact]
    public void Routes_are_read_from_headings_tables_and_text_without_their_queries()
    {
        var routes = DocumentedRoutes("""
            ### `GET /api/v1/routines`, `GET /api/v1/routines/{name}[?version=N]`
            | `POST /api/v1/flows/{id}/push` | `{value}` | force-step |
            `GET /api/v1/flows?state=&limit=` and `DELETE /api/v1/flows/{id}` and GET /not/in/code
            """);
        Assert.Equal(["DELETE /api/v1/flows/{id}", "GET /api/v1/flows", "GET /api/v1/routines", "GET /api/v1/routines/{name}", "POST /api/v1/flows/{id}/push"], routes.Order());
    }

    /// <summary>Every <c>`METHOD /path`</c> in code spans of the page, without a query (<c>?...</c>, <c>[?...]</c>) or a trailing slash.</summary>
    private static HashSet<string> DocumentedRoutes(string markdown) =>
        Route().Matches(markdown).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value.TrimEnd('/')}").ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"`(GET|POST|PUT|DELETE|PATCH) (/[^\s`?\[]*)[^`]*`")]
    private static partial Regex Route();
}
