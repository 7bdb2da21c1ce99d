using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>The OpenAPI document, /metrics and /healthz.</summary>
public sealed class DocumentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string> Routes => new()
    {
        { "/api/v1/routines", "post" },
        { "/api/v1/routines", "get" },
        { "/api/v1/routines/{name}", "get" },
        { "/api/v1/tasks", "get" },
        { "/api/v1/workers", "get" },
        { "/api/v1/flows", "post" },
        { "/api/v1/flows", "get" },
        { "/api/v1/flows/{id}", "get" },
        { "/api/v1/flows/{id}/history", "get" },
        { "/api/v1/flows/{id}/stream", "get" },
        { "/api/v1/flows/{id}/submit", "post" },
        { "/api/v1/flows/{id}/push", "post" },
        { "/api/v1/flows/{id}/events/{name}", "post" },
        { "/api/v1/flows/{id}/cancel", "post" },
        { "/api/v1/flows/{id}/reset", "post" },
        { "/api/v1/flows/{id}/retry", "post" },
        { "/api/v1/flows/{id}/position", "post" },
        { "/api/v1/schedules", "get" },
        { "/api/v1/schedules", "post" },
        { "/api/v1/schedules/{name}", "get" },
        { "/api/v1/schedules/{name}", "put" },
        { "/api/v1/schedules/{name}", "delete" },
        { "/api/v1/schedules/{name}/pause", "post" },
        { "/api/v1/schedules/{name}/resume", "post" },
        { "/api/v1/schedules/{name}/trigger", "post" },
        { "/api/v1/schedules/{name}/backfill", "post" },
        { "/api/v1/resume/{token}", "post" },
        { "/api/v1/users", "get" },
        { "/api/v1/users/{name}/rotate", "post" },
        { "/api/v1/users/{name}/revoke", "post" },
        { "/healthz", "get" },
        { "/metrics", "get" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task OpenApi_document_lists_the_route(string path, string method)
    {
        var document = (await server.Alice.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey(path), $"{path} is missing; the document has {string.Join(", ", paths.Select(p => p.Key))}");
        Assert.True(paths[path]!.AsObject().ContainsKey(method), $"{method} {path} is missing");
    }

    public static TheoryData<string, string, string, string> Answers => new()
    {
        { "/api/v1/flows/{id}", "get", "200", "FlowDocument" },
        { "/api/v1/flows", "post", "201", "FlowDocument" },
        { "/api/v1/flows", "get", "200", "FlowListDocument" },
        { "/api/v1/flows/{id}/history", "get", "200", "HistoryDocument" },
        { "/api/v1/flows/{id}/cancel", "post", "202", "CommandAccepted" },
        { "/api/v1/flows/{id}/retry", "post", "202", "CommandAccepted" },
        { "/api/v1/routines", "post", "201", "RoutineSaved" },
        { "/api/v1/routines", "get", "200", "RoutineSummary" },
        { "/api/v1/routines/{name}", "get", "200", "RoutineDocument" },
        { "/api/v1/tasks", "get", "200", "TaskTypeDocument" },
        { "/api/v1/workers", "get", "200", "WorkersDocument" },
        { "/api/v1/schedules", "get", "200", "ScheduleDocument" },
        { "/api/v1/schedules", "post", "201", "ScheduleDocument" },
        { "/api/v1/schedules/{name}", "get", "200", "ScheduleDocument" },
        { "/api/v1/schedules/{name}/pause", "post", "200", "ScheduleDocument" },
        { "/api/v1/schedules/{name}/trigger", "post", "200", "ScheduleStarted" },
        { "/api/v1/schedules/{name}/backfill", "post", "200", "ScheduleStarted" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task OpenApi_document_describes_each_answer_as_its_typed_record(string path, string method, string status, string schema)
    {
        var document = (await server.Alice.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var content = document["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!;
        var reference = (string?)(content["items"] ?? content)["$ref"];
        Assert.Equal($"#/components/schemas/{schema}", reference);
        Assert.True(document["components"]!["schemas"]!.AsObject().ContainsKey(schema), $"{schema} is not described");
    }

    [Fact]
    public async Task OpenApi_flow_document_names_the_fields_the_api_sends()
    {
        var document = (await server.Alice.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var properties = document["components"]!["schemas"]!["FlowDocument"]!["properties"]!.AsObject().Select(p => p.Key);
        Assert.Equal(
            ["id", "key", "label", "routine", "version", "owner", "state", "position", "waitReason", "error", "parentFlowId", "nextRunAt", "schedule", "slot", "suspended", "routinePaused", "createdAt", "updatedAt", "input", "data", "result", "steps", "resumeUrl", "tags", "attributes", "priority", "waitingForWorker", "deadline"],
            properties);
    }

    [Fact]
    public async Task OpenApi_names_the_search_filters_of_the_flow_list()
    {
        var document = (await server.Alice.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var parameters = document["paths"]!["/api/v1/flows"]!["get"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Equal(["tag", "attr", "createdAfter", "createdBefore", "error"], parameters.Where(p => FlowMachine.Operations.FlowFilters.Names.Contains(p)));
    }

    [Fact]
    public async Task Metrics_show_step_counts_after_a_flow_ran()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":["test.One","test.Two"]}""");
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");

        var response = await server.Alice.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE flowmachine_steps_total counter", text, StringComparison.Ordinal);
        Assert.Matches("""flowmachine_steps_total\{[^}]*task_type="test\.One"[^}]*\} [1-9]""", text);
        Assert.Contains("flowmachine_step_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("flowmachine_queue_depth ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_200_without_a_key()
    {
        var response = await server.Anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (string?)(await response.ReadObjectAsync())["status"]);
    }

    [Fact]
    public async Task Task_list_has_the_seed_samples_with_their_descriptions()
    {
        var tasks = (await server.Alice.GetFromJsonAsync<JsonArray>("/api/v1/tasks"))!;
        var wait = tasks.Single(t => (string?)t!["name"] == "test.Wait")!;
        Assert.True((bool?)wait["hasCheck"]);
        Assert.False(string.IsNullOrEmpty((string?)wait["description"]));
        Assert.Contains(tasks, t => (string?)t!["name"] == "example.VeryLong" && t["params"]!.AsArray().Count > 0);
    }

    [Fact]
    public async Task A_changed_routine_spec_makes_a_new_version_and_an_unchanged_one_does_not()
    {
        var name = "versions-" + Guid.NewGuid().ToString("N")[..8];
        var first = await server.Alice.PostJsonAsync("/api/v1/routines", $$"""{"name":"{{name}}","spec":["noop"]}""");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(1, (int?)(await first.ReadObjectAsync())["version"]);
        var same = await server.Alice.PostJsonAsync("/api/v1/routines", $$"""{"name":"{{name}}","spec":["noop"]}""");
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        var changed = await server.Alice.PostJsonAsync("/api/v1/routines", $$"""{"name":"{{name}}","spec":["noop","noop"]}""");
        Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
        Assert.Equal(2, (int?)(await changed.ReadObjectAsync())["version"]);

        var v1 = (await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/routines/{name}?version=1"))!;
        Assert.Single(v1["spec"]!["tasks"]!.AsArray());
        var newest = (await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/routines/{name}"))!;
        Assert.Equal(2, (int?)newest["version"]);
    }
}
