using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>A start's <c>priority</c>: in the body, from the spec's <c>cfg.priority</c>, in the flow document; out of range is a 400 naming it.</summary>
public sealed class FlowPriorityEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_start_gives_the_flow_its_priority_over_the_specs_and_the_document_shows_it()
    {
        using var given = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":["noop"],"priority":7}""");
        Assert.Equal(HttpStatusCode.Created, given.StatusCode);
        var flow = await given.ReadObjectAsync();
        Assert.Equal(7, (int)flow["priority"]!);
        var read = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{(string)flow["id"]!}"))!;
        Assert.Equal(7, (int)read["priority"]!);

        using var fromSpec = await server.Alice.PostJsonAsync("/api/v1/flows", new JsonObject { ["spec"] = "cfg: { priority: 3 }\ntasks: [noop]" }.ToJsonString());
        Assert.Equal(3, (int)(await fromSpec.ReadObjectAsync())["priority"]!);

        using var overridden = await server.Alice.PostJsonAsync("/api/v1/flows", new JsonObject { ["spec"] = "cfg: { priority: 3 }\ntasks: [noop]", ["priority"] = -2 }.ToJsonString());
        Assert.Equal(-2, (int)(await overridden.ReadObjectAsync())["priority"]!);

        using var plain = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":["noop"]}""");
        Assert.Equal(0, (int)(await plain.ReadObjectAsync())["priority"]!);
    }

    [Theory]
    [InlineData("""{"spec":["noop"],"priority":1001}""", "priority")]
    [InlineData("""{"spec":["noop"],"priority":-5000}""", "priority")]
    [InlineData("""{"spec":{"cfg":{"priority":2000},"tasks":["noop"]}}""", "spec.cfg.priority")]
    [InlineData("""{"spec":{"cfg":{"priority":"high"},"tasks":["noop"]}}""", "spec.cfg.priority")]
    public async Task A_priority_out_of_range_is_a_400_naming_it(string body, string field)
    {
        using var response = await server.Alice.PostJsonAsync("/api/v1/flows", body);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), errors.ToJsonString());
        Assert.Contains("-1000 to 1000", errors[field]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedule_keeps_its_priority_and_refuses_one_out_of_range()
    {
        var name = "prio-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await server.Alice.PostJsonAsync("/api/v1/schedules", $$$"""{"name":"{{{name}}}","spec":["noop"],"every":"1h","priority":9}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(9, (int)(await created.ReadObjectAsync())["priority"]!);

        using var bad = await server.Alice.PostJsonAsync("/api/v1/schedules", $$$"""{"name":"{{{name}}}-bad","spec":["noop"],"every":"1h","priority":1234}""");
        var errors = (await bad.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.Contains("-1000 to 1000", errors["priority"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_describes_the_start_bodys_priority()
    {
        var document = (await server.Alice.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var body = document["paths"]!["/api/v1/flows"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var schema = (string?)body["$ref"] is { } reference ? document["components"]!["schemas"]![reference.Split('/')[^1]]! : body;
        var priority = schema["properties"]!["priority"]!;
        Assert.Contains("integer", priority.ToJsonString(), StringComparison.Ordinal);
    }
}
