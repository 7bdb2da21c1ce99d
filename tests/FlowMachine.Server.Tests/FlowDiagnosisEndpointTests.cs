using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>GET /api/v1/flows/{id}/diagnosis</c> and <c>GET /api/v1/flows/stuck</c>.</summary>
public sealed class FlowDiagnosisEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_waiting_flow_is_diagnosed_with_the_commands_that_continue_it_and_only_for_its_owner()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":{"tasks":[{"key":"approve","task_type":"wait","task_params":{"reason":"needs a manager"}}]}}""");
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");

        var why = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}/diagnosis"))!;
        Assert.Equal((id, "WAITING", "input"), ((string?)why["flowId"], (string?)why["state"], (string?)why["kind"]));
        Assert.Contains($"push a value (flowmachine flows push {id} VALUE)", (string?)why["summary"], StringComparison.Ordinal);
        Assert.Equal(("approve", "needs a manager"), ((string?)why["facts"]!["stepKey"], (string?)why["facts"]!["waitReason"]));
        Assert.Equal(2, why["facts"]!["commands"]!.AsArray().Count);
        Assert.NotNull(why["at"]);

        var missing = await server.Bob.GetAsync($"/api/v1/flows/{id}/diagnosis");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Alice.GetAsync("/api/v1/flows/no-such-flow/diagnosis")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous.GetAsync($"/api/v1/flows/{id}/diagnosis")).StatusCode);
        await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/cancel", "{}");
    }

    [Fact]
    public async Task A_flow_no_worker_serves_is_diagnosed_and_listed_as_needing_attention()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","queue":"graveyard"}]}}""");
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForAsync(server.Alice, id, f => f["waitingForWorker"] is not null);

        var why = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}/diagnosis"))!;
        Assert.Equal("no-worker", (string?)why["kind"]);
        var need = Assert.Single(why["facts"]!["needs"]!.AsArray())!;
        Assert.Equal(("graveyard", "noop", 0), ((string?)need["queue"], (string?)need["taskType"], (int)need["liveWorkers"]!));
        Assert.Contains("flowmachine worker --queue graveyard", (string?)why["summary"], StringComparison.Ordinal);

        var stuck = (await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/flows/stuck?threshold=10m"))!;
        Assert.Equal(600, (double)stuck["thresholdSeconds"]!);
        var item = Assert.Single(stuck["items"]!.AsArray(), i => (string?)i!["flowId"] == id)!;
        Assert.Equal(("no-worker", "RUNNING"), ((string?)item["reason"], (string?)item["state"]));
        Assert.DoesNotContain((await server.Bob.GetFromJsonAsync<JsonObject>("/api/v1/flows/stuck"))!["items"]!.AsArray(), i => (string?)i!["flowId"] == id);
        Assert.Contains((await server.Admin.GetFromJsonAsync<JsonObject>("/api/v1/flows/stuck"))!["items"]!.AsArray(), i => (string?)i!["flowId"] == id);

        var bad = await server.Alice.GetAsync("/api/v1/flows/stuck?threshold=soon");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("threshold", (await bad.ReadObjectAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Alice.GetAsync("/api/v1/flows/stuck?limit=0")).StatusCode);

        await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/cancel", "{}");
        await ServerFixture.WaitForStateAsync(server.Alice, id, "CANCELLED");
    }
}
