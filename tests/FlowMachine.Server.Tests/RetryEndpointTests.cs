using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>POST /api/v1/flows/{id}/retry: an ended flow goes on from where it stopped; any other state is 409.</summary>
public sealed class RetryEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Killed = """{"spec":["test.One",{"key":"stop","task_type":"kill","task_params":{"reason":"enough"}},"test.Three"]}""";

    [Fact]
    public async Task The_owner_retries_a_killed_flow_and_it_completes_without_running_the_finished_steps_again()
    {
        var id = await StartAsync(server.Alice, Killed, "KILLED");

        using var retried = await server.Alice.PostAsync($"/api/v1/flows/{id}/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var body = await retried.ReadObjectAsync();
        Assert.Equal(("retry", id), ((string?)body["command"], (string?)body["flowId"]));
        var flow = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        var steps = flow["steps"]!.AsArray();
        Assert.All(steps, s => Assert.Equal(1, (int?)s!["attempts"]));
        var history = (await server.Alice.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{id}/history"))!;
        var retry = history.Single(e => (string?)e!["kind"] == "flow.retried");
        Assert.Equal("alice", (string?)retry!["detail"]!["actor"]);
    }

    [Fact]
    public async Task Another_user_gets_404_and_the_admin_may_retry()
    {
        var id = await StartAsync(server.Alice, Killed, "KILLED");

        await (await server.Bob.PostAsync($"/api/v1/flows/{id}/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        using var admin = await server.Admin.PostAsync($"/api/v1/flows/{id}/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, admin.StatusCode);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
    }

    [Fact]
    public async Task A_completed_or_waiting_flow_is_409_with_the_reason_and_stays_as_it_was()
    {
        var done = await StartAsync(server.Alice, """{"spec":["test.One"]}""", "COMPLETED");
        var waiting = await StartAsync(server.Alice, """{"spec":["test.One","test.Wait"]}""", "WAITING");

        var completed = await (await server.Alice.PostAsync($"/api/v1/flows/{done}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        var running = await (await server.Alice.PostAsync($"/api/v1/flows/{waiting}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("COMPLETED", (string?)completed["detail"], StringComparison.Ordinal);
        Assert.Contains("WAITING", (string?)running["detail"], StringComparison.Ordinal);
        var history = (await server.Alice.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{waiting}/history"))!;
        Assert.DoesNotContain(history, e => ((string?)e!["kind"])!.StartsWith("command", StringComparison.Ordinal) || (string?)e["kind"] == "flow.retried");
        Assert.Equal("WAITING", (string?)(await (await server.Alice.GetAsync($"/api/v1/flows/{waiting}")).ReadObjectAsync())["state"]);
    }

    private static async Task<string> StartAsync(HttpClient client, string body, string state)
    {
        using var started = await client.PostJsonAsync("/api/v1/flows", body);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(client, id, state);
        return id;
    }
}
