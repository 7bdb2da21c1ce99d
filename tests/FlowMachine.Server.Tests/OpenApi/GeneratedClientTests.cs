using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.OpenApi.Client;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>
/// The seed scenario through the client NSwag generates from the served document (see <see cref="OpenApiSnapshotTests"/>),
/// against a real server, with the client's typed properties: a document change that breaks clients breaks this build.
/// </summary>
public sealed class GeneratedClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_seed_scenario_runs_through_the_generated_client()
    {
        var client = Client(server.Alice);
        var saved = await client.SaveRoutineAsync(new SaveRoutineBody { Name = "seed000", Spec = JsonNode.Parse("""{"label":"egg","tasks":["test.One","test.Two","test.Wait","test.Three"]}""") });
        Assert.Equal("seed000", saved.Name);
        Assert.True(saved.Version >= 1);
        var tasks = await client.ListTaskTypesAsync();
        Assert.True(tasks.Single(t => t.Name == "test.Wait").HasCheck);

        var started = await client.StartFlowAsync(new StartFlowBody { Routine = "seed000", Input = new JsonObject { ["order"] = 42 }, Tags = ["vip"] });
        Assert.Equal("seed000", started.Routine);
        Assert.Equal(["vip"], started.Tags);
        var waiting = await WaitAsync(client, started.Id, "WAITING");
        Assert.Equal("Wait for external", waiting.WaitReason);
        var step = waiting.Steps!.Single(s => s.State == "WAITING");
        Assert.Equal("test.Wait", step.TaskType);
        Assert.Equal("Wait for external", step.WaitReason);
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/api/v1/resume/", step.ResumeUrl, StringComparison.Ordinal);

        // A failing check leaves it waiting, its history saying why; a passing one lets it finish.
        var accepted = await client.SubmitFlowAsync(started.Id, null, new SubmitBody { Args = new JsonObject { ["ok"] = false } });
        Assert.Equal("submit", accepted.Command);
        Assert.Equal("accepted", accepted.Status);
        var refusal = await NotReadyAsync(client, started.Id);
        Assert.Equal("test.Wait", refusal.Step);
        Assert.Equal("check assert ready: False", (string?)refusal.Detail!["reason"]);
        Assert.Equal("WAITING", (await client.GetFlowAsync(started.Id)).State);
        await client.SubmitFlowAsync(started.Id, null, new SubmitBody { Args = new JsonObject { ["ok"] = true } });
        var completed = await WaitAsync(client, started.Id, "COMPLETED");
        Assert.All(completed.Steps!, s => Assert.Equal("COMPLETED", s.State));
        Assert.Equal(true, (bool?)completed.Steps!.Single(s => s.TaskType == "test.Wait").Result!["ok"]);

        // Push: the value becomes the waiting step's result.
        var pushed = await client.StartFlowAsync(new StartFlowBody { Routine = "seed000", Key = "generated-client-push" });
        await WaitAsync(client, pushed.Id, "WAITING");
        var key = Guid.NewGuid().ToString();
        await client.PushFlowAsync(pushed.Id, key, new PushBody { Value = new JsonObject { ["approved"] = true } });
        var done = await WaitAsync(client, pushed.Id, "COMPLETED");

        // The same push again with its Idempotency-Key gets the first answer, not a 409 for a flow that no longer waits.
        Assert.Equal("push", (await client.PushFlowAsync(pushed.Id, key, new PushBody { Value = new JsonObject { ["approved"] = true } })).Command);
        Assert.Equal(true, (bool?)done.Steps!.Single(s => s.TaskType == "test.Wait").Result!["approved"]);

        var history = await client.GetFlowHistoryAsync(started.Id, null, null);
        Assert.Equal("flow.created", history.First().Kind);
        Assert.Equal(history.Select(e => e.Seq).Order(), history.Select(e => e.Seq));
        var page = await client.ListFlowsAsync(null, "seed000", null, null, null, null, null, null, null, null, null);
        Assert.Contains(page.Items!, f => f.Id == pushed.Id && f.State == "COMPLETED");
    }

    [Fact]
    public async Task Refusals_come_back_as_typed_problem_details()
    {
        var client = Client(server.Alice);
        var missing = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => client.GetFlowAsync("no-such-flow"));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("flow no-such-flow does not exist", missing.Result.Detail);

        var invalid = await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(
            () => client.StartFlowAsync(new StartFlowBody { Spec = JsonNode.Parse("""["test.Twoo"]""") }));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Contains(invalid.Result.Errors!, e => e.Key.StartsWith("spec.", StringComparison.Ordinal));

        var anonymous = Client(server.Anonymous);
        var refused = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => anonymous.ListFlowsAsync(null, null, null, null, null, null, null, null, null, null, null));
        Assert.Equal(401, refused.StatusCode);
    }

    private FlowMachineApiClient Client(HttpClient keyed)
    {
        var http = server.Client(null);
        http.DefaultRequestHeaders.Authorization = keyed.DefaultRequestHeaders.Authorization is { } key ? new AuthenticationHeaderValue(key.Scheme, key.Parameter) : null;
        return new FlowMachineApiClient(http);
    }

    private static async Task<HistoryDocument> NotReadyAsync(FlowMachineApiClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var history = await client.GetFlowHistoryAsync(id, null, null);
            if (history.FirstOrDefault(e => e.Kind == "step.check-not-ready") is { } refusal)
            {
                return refusal;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {id} has no failed check in its history");
            await Task.Delay(25);
        }
    }

    private static async Task<FlowDocument> WaitAsync(FlowMachineApiClient client, string id, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var flow = await client.GetFlowAsync(id);
            if (flow.State == state)
            {
                return flow;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {id} is {flow.State} ({flow.WaitReason}), not {state}");
            await Task.Delay(25);
        }
    }
}
