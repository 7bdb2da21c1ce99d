using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>GET /api/v1/workers</c>: the server's own worker, and a queue that no worker serves.</summary>
public sealed class WorkerEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_servers_worker_is_listed_and_a_flow_on_a_queue_nobody_serves_says_what_it_waits_for()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","queue":"night-shift"}]}}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonObject flow;
        while ((flow = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!)["waitingForWorker"] is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the flow never waited for a worker: {flow}");
            await Task.Delay(50);
        }

        Assert.Equal("night-shift", (string?)flow["waitingForWorker"]!["queue"]);
        Assert.Equal("noop", (string?)flow["waitingForWorker"]!["taskType"]);
        Assert.Equal("RUNNING", (string?)flow["state"]);

        var workers = (await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/workers"))!;
        var live = Assert.Single(workers["workers"]!.AsArray(), w => (bool)w!["live"]!);
        Assert.Equal(["default"], live!["queues"]!.AsArray().Select(q => (string?)q));
        Assert.True(live["taskTypes"]!.AsObject().ContainsKey("noop"));
        Assert.Equal(["night-shift"], workers["unservedQueues"]!.AsArray().Select(q => (string?)q));
        var night = workers["queues"]!.AsArray().Single(q => (string?)q!["name"] == "night-shift")!;
        Assert.Equal((1, 0, true), ((int)night["depth"]!, (int)night["liveWorkers"]!, (bool)night["waiting"]!));

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous.GetAsync("/api/v1/workers")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/cancel", "{}")).StatusCode);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "CANCELLED");
    }
}
