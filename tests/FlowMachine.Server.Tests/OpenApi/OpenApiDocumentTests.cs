using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>The served OpenAPI document: named schemas, problem details, the API-key scheme, descriptions, examples.</summary>
public sealed class OpenApiDocumentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static TheoryData<string, string, string, string> Answers => new()
    {
        { "/api/v1/flows/bulk", "post", "200", "FlowBulkDocument" },
        { "/api/v1/flows/{id}/push", "post", "202", "CommandAccepted" },
        { "/api/v1/events/{name}", "post", "200", "EventRaised" },
        { "/api/v1/flows/{id}/suspend", "post", "200", "FlowHold" },
        { "/api/v1/routines/{name}/pause", "post", "200", "RoutineHold" },
        { "/api/v1/users", "get", "200", "UserDocument" },
        { "/api/v1/users/{name}/rotate", "post", "200", "UserKeyRotated" },
        { "/api/v1/users/{name}/revoke", "post", "200", "UserKeysRevoked" },
        { "/api/v1/resume/{token}", "post", "202", "CommandAccepted" },
        { "/api/v1/hooks", "post", "201", "HookCreatedDocument" },
        { "/api/v1/hooks", "get", "200", "HookListDocument" },
        { "/api/v1/hooks/{name}", "get", "200", "HookDocument" },
        { "/api/v1/hooks/{name}/rotate", "post", "200", "HookSecretDocument" },
        { "/api/v1/hooks/{name}", "post", "200", "HookDeliveryDocument" },
        { "/healthz", "get", "200", "HealthReport" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Each_answer_has_its_named_schema(string path, string method, string status, string schema)
    {
        var document = await DocumentAsync();
        var content = document["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal($"#/components/schemas/{schema}", (string?)(content["items"] ?? content)["$ref"]);
        Assert.True(document["components"]!["schemas"]!.AsObject().ContainsKey(schema), $"{schema} is not described");
    }

    [Fact]
    public async Task Every_json_answer_of_every_route_refers_to_a_named_schema()
    {
        foreach (var (name, operation) in Operations(await DocumentAsync()))
        {
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                if (response!["content"]?["application/json"]?["schema"] is { } schema)
                {
                    var reference = (string?)(schema["items"] ?? schema)["$ref"];
                    Assert.True(reference is not null && !reference.EndsWith("/JsonObject", StringComparison.Ordinal) && !reference.EndsWith("/JsonArray", StringComparison.Ordinal),
                        $"{name} answers {status} without a named schema: {schema.ToJsonString()}");
                }
            }
        }
    }

    [Fact]
    public async Task Every_error_answer_is_problem_details_and_every_route_declares_500()
    {
        foreach (var (name, operation) in Operations(await DocumentAsync()))
        {
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("500"), $"{name} declares no 500");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var schema = (string?)response!["content"]?["application/problem+json"]?["schema"]?["$ref"];
                Assert.True(
                    schema is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails",
                    $"{name} answers {status} without ProblemDetails: {response.ToJsonString()}");
                Assert.False(string.IsNullOrEmpty((string?)response["description"]), $"{name} {status} has no description");
            }
        }
    }

    [Fact]
    public async Task A_refused_spec_is_described_with_its_errors_by_path()
    {
        var document = await DocumentAsync();
        var start = document["paths"]!["/api/v1/flows"]!["post"]!["responses"]!["400"]!;
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", (string?)start["content"]!["application/problem+json"]!["schema"]!["$ref"]);
        var errors = document["components"]!["schemas"]!["HttpValidationProblemDetails"]!["properties"]!["errors"]!;
        Assert.Equal("array", (string?)errors["additionalProperties"]!["type"]);
        Assert.Equal(["type", "title", "status", "detail", "instance", "errors"], document["components"]!["schemas"]!["HttpValidationProblemDetails"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Routes_that_need_a_key_declare_the_bearer_scheme_and_401_and_the_open_ones_need_none()
    {
        var document = await DocumentAsync();
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
        var open = new[] { "post /api/v1/resume/{token}", "get /healthz" };
        var signed = "post /api/v1/hooks/{name}";
        foreach (var (name, operation) in Operations(document))
        {
            var security = operation["security"]!.AsArray();
            if (name == signed)
            {
                // A webhook delivery needs no key but a signature: a wrong or missing one is its 401.
                Assert.Empty(security);
                Assert.Contains("signature", (string?)operation["responses"]!["401"]!["description"], StringComparison.OrdinalIgnoreCase);
                var headers = operation["parameters"]!.AsArray().Where(p => (string?)p!["in"] == "header" && (bool?)p["required"] == true).Select(p => (string?)p!["name"]);
                Assert.Equal(["X-FlowMachine-Signature", "X-FlowMachine-Delivery"], headers);
            }
            else if (open.Contains(name))
            {
                Assert.Empty(security);
                Assert.False(operation["responses"]!.AsObject().ContainsKey("401"), $"{name} needs no key but declares 401");
            }
            else
            {
                Assert.True(security.Count == 1 && security[0]!.AsObject().ContainsKey("ApiKey"), $"{name} does not require the API key: {security.ToJsonString()}");
                Assert.True(operation["responses"]!.AsObject().ContainsKey("401"), $"{name} declares no 401");
            }
        }

        Assert.Equal("#/components/schemas/ProblemDetails", (string?)document["paths"]!["/api/v1/users"]!["get"]!["responses"]!["403"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_description_and_a_described_tag()
    {
        var document = await DocumentAsync();
        var tags = document["tags"]!.AsArray().ToDictionary(t => (string)t!["name"]!, t => (string?)t!["description"]);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, operation) in Operations(document))
        {
            Assert.True(ids.Add((string?)operation["operationId"] ?? ""), $"{name} has no operationId or a duplicate one");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["description"]), $"{name} has no description");
            foreach (var tag in operation["tags"]!.AsArray().Select(t => (string)t!))
            {
                Assert.True(tags.TryGetValue(tag, out var description) && !string.IsNullOrWhiteSpace(description) && description != tag, $"tag {tag} of {name} has no description");
            }
        }

        Assert.DoesNotContain(document["paths"]!.AsObject(), p => p.Key == "/signin");
    }

    [Fact]
    public async Task The_document_has_a_licence_and_server_urls_without_a_trailing_slash()
    {
        var document = await DocumentAsync();
        Assert.Equal("FlowMachine API", (string?)document["info"]!["title"]);
        Assert.Equal("MIT", (string?)document["info"]!["license"]!["name"]);
        var url = (string)document["servers"]![0]!["url"]!;
        Assert.Equal(server.BaseAddress.ToString().TrimEnd('/'), url);
    }

    [Fact]
    public async Task Integers_are_described_as_integers()
    {
        var document = await DocumentAsync();
        var position = document["components"]!["schemas"]!["FlowSummaryDocument"]!["properties"]!["position"]!;
        Assert.Equal("integer", (string?)position["type"]);
        Assert.Null(position["pattern"]);
    }

    [Fact]
    public async Task The_start_submit_and_push_examples_work_on_the_seed_routine()
    {
        var document = await DocumentAsync();
        string Example(string path) => document["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!.ToJsonString();
        using var _ = await server.Alice.PostJsonAsync("/api/v1/routines", Http.SeedRoutine);

        var started = await server.Alice.PostJsonAsync("/api/v1/flows", Example("/api/v1/flows"));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        Assert.Equal(HttpStatusCode.Accepted, (await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/submit", Example("/api/v1/flows/{id}/submit"))).StatusCode);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");

        var other = (string)(await (await server.Alice.PostJsonAsync("/api/v1/flows", """{"routine":"seed000"}""")).ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, other, "WAITING");
        Assert.Equal(HttpStatusCode.Accepted, (await server.Alice.PostJsonAsync($"/api/v1/flows/{other}/push", Example("/api/v1/flows/{id}/push"))).StatusCode);
        var flow = await ServerFixture.WaitForStateAsync(server.Alice, other, "COMPLETED");
        Assert.Equal(true, (bool?)flow["steps"]![2]!["result"]!["approved"]);
    }

    [Fact]
    public async Task The_document_and_its_reference_page_are_served_without_a_key()
    {
        foreach (var client in new[] { server.Anonymous, server.WrongKey })
        {
            using var document = await client.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.Equal("application/json", document.Content.Headers.ContentType?.MediaType);
            Assert.Equal("FlowMachine API", (string?)(await document.ReadObjectAsync())["info"]!["title"]);

            using var page = await client.GetAsync("/api/docs");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
            using var script = await client.GetAsync("/api/docs/scalar.js");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Contains("<title>FlowMachine API</title>", html, StringComparison.Ordinal);
        }

        // The API itself still needs a key.
        await (await server.Anonymous.GetAsync("/api/v1/flows")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<JsonObject> DocumentAsync() => (await server.Alice.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select ($"{method.Key} {path.Key}", method.Value!.AsObject());
}
