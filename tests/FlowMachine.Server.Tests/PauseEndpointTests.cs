using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>Suspend and resume a flow, pause and resume a routine, over HTTP with a worker running.</summary>
public sealed class PauseEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_suspended_flow_takes_input_but_does_not_run_until_resumed()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");

        var suspended = await (await server.Alice.PostAsync($"/api/v1/flows/{id}/suspend", null)).ReadObjectAsync();
        Assert.Equal("""{"flowId":"ID","state":"WAITING","suspended":true,"changed":true}""".Replace("ID", id, StringComparison.Ordinal), suspended.ToJsonString());
        var again = await (await server.Alice.PostAsync($"/api/v1/flows/{id}/suspend", null)).ReadObjectAsync();
        Assert.Equal(false, (bool?)again["changed"]);

        Assert.Equal(HttpStatusCode.Accepted, (await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/push", """{"value":{"approvedBy":"carol"}}""")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var held = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
        Assert.Equal("WAITING", (string?)held["state"]);
        Assert.Equal(true, (bool?)held["suspended"]);
        Assert.Equal("WAITING", (string?)held["steps"]![2]!["state"]);

        var resumed = await (await server.Alice.PostAsync($"/api/v1/flows/{id}/resume", null)).ReadObjectAsync();
        Assert.Equal(false, (bool?)resumed["suspended"]);
        var done = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.Null(done["suspended"]);
        Assert.Equal("carol", (string?)done["steps"]![2]!["result"]!["approvedBy"]);
        var history = (await server.Alice.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{id}/history"))!;
        Assert.Contains(history, e => (string?)e!["kind"] == "flow.suspended" && (string?)e["detail"]!["actor"] == "alice");
        Assert.Contains(history, e => (string?)e!["kind"] == "flow.resumed");
    }

    [Fact]
    public async Task Suspending_is_for_the_owner_and_admins_and_an_ended_or_unknown_flow_is_refused()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");

        await (await server.Anonymous.PostAsync($"/api/v1/flows/{id}/suspend", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var hidden = await (await server.Bob.PostAsync($"/api/v1/flows/{id}/suspend", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains($"flow {id} does not exist", (string?)hidden["detail"], StringComparison.Ordinal);
        Assert.Null((await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!["suspended"]);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"/api/v1/flows/{id}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"/api/v1/flows/{id}/resume", null)).StatusCode);

        var unknown = await (await server.Admin.PostAsync("/api/v1/flows/no-such-flow/resume", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("flow no-such-flow does not exist", (string?)unknown["detail"], StringComparison.Ordinal);

        var done = await Http.SeedAndCompletedFlowAsync(server.Admin);
        var ended = await (await server.Admin.PostAsync($"/api/v1/flows/{done}/suspend", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"flow {done} has ended COMPLETED", (string?)ended["detail"], StringComparison.Ordinal);
        Assert.Null((await server.Admin.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{done}"))!["suspended"]);
    }

    [Fact]
    public async Task Flows_of_a_paused_routine_are_accepted_and_run_when_it_resumes()
    {
        var first = await Http.StartSeedFlowAsync(server.Alice);
        await ServerFixture.WaitForStateAsync(server.Alice, first, "WAITING");

        await (await server.Bob.PostAsync("/api/v1/routines/seed000/pause", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var unknown = await (await server.Admin.PostAsync("/api/v1/routines/no-such-routine/pause", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("routine no-such-routine does not exist", (string?)unknown["detail"], StringComparison.Ordinal);

        var paused = await (await server.Alice.PostAsync("/api/v1/routines/seed000/pause", null)).ReadObjectAsync();
        Assert.Equal("""{"name":"seed000","paused":true,"changed":true}""", paused.ToJsonString());
        try
        {
            var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"routine":"seed000"}""");
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
            var id = (string)(await started.ReadObjectAsync())["id"]!;
            await Task.Delay(TimeSpan.FromSeconds(1));
            var held = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
            Assert.Equal("PENDING", (string?)held["state"]);
            Assert.Equal(true, (bool?)held["routinePaused"]);
            Assert.Equal(true, (bool?)(await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{first}"))!["routinePaused"]);

            var resumed = await (await server.Admin.PostAsync("/api/v1/routines/seed000/resume", null)).ReadObjectAsync();
            Assert.Equal(true, (bool?)resumed["changed"]);
            var running = await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
            Assert.Null(running["routinePaused"]);
        }
        finally
        {
            await server.Admin.PostAsync("/api/v1/routines/seed000/resume", null);
        }
    }

    [Fact]
    public async Task The_routine_list_and_document_say_whether_it_is_paused_since_when_and_by_whom()
    {
        var name = "paused-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await server.Alice.PostJsonAsync("/api/v1/routines", $$"""{"name":"{{name}}","spec":["noop"]}""")).StatusCode);
        var running = (await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/routines/{name}"))!;
        Assert.False(running.ContainsKey("paused"));
        Assert.False(running.ContainsKey("pausedAt"));
        Assert.False(running.ContainsKey("pausedBy"));

        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        Assert.Equal(HttpStatusCode.OK, (await server.Alice.PostAsync($"/api/v1/routines/{name}/pause", null)).StatusCode);
        var list = (await server.Bob.GetFromJsonAsync<JsonArray>("/api/v1/routines"))!;
        var listed = list.Single(r => (string?)r!["name"] == name)!;
        Assert.Equal(true, (bool?)listed["paused"]);
        Assert.Equal("alice", (string?)listed["pausedBy"]);
        Assert.InRange((DateTimeOffset)listed["pausedAt"]!, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.All(list.Where(r => !r!.AsObject().ContainsKey("paused")), r => Assert.False(r!.AsObject().ContainsKey("pausedAt")));

        var document = (await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/routines/{name}"))!;
        Assert.Equal(true, (bool?)document["paused"]);
        Assert.Equal("alice", (string?)document["pausedBy"]);
        Assert.Equal((DateTimeOffset)listed["pausedAt"]!, (DateTimeOffset)document["pausedAt"]!);

        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"/api/v1/routines/{name}/resume", null)).StatusCode);
        var resumed = (await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/routines/{name}?version=1"))!;
        Assert.False(resumed.ContainsKey("paused"));
        Assert.False(resumed.ContainsKey("pausedBy"));
    }
}
