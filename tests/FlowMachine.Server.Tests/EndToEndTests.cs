using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>Seed 000's routine over real HTTP on a real SQLite file, pushed on every way the API offers.</summary>
public sealed class EndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Seed_routine_waits_stays_waiting_on_a_failing_check_and_completes_on_ok()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        var waiting = await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        Assert.Equal("test.Wait", (string?)waiting["steps"]![2]!["taskType"]);
        Assert.Equal("WAITING", (string?)waiting["steps"]![2]!["state"]);
        Assert.Equal("alice", (string?)waiting["owner"]);

        var notOk = await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/submit", """{"args":{"ok":false}}""");
        Assert.Equal(HttpStatusCode.Accepted, notOk.StatusCode);
        var history = await WaitForHistoryAsync(id, "step.check-not-ready");
        Assert.Contains(history, e => (string?)e!["kind"] == "step.check-not-ready");
        var still = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
        Assert.Equal("WAITING", (string?)still["state"]);
        Assert.Equal("PENDING", (string?)still["steps"]![3]!["state"]);

        var ok = await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/submit", """{"args":{"ok":true}}""");
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        var done = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.All(done["steps"]!.AsArray(), s => Assert.Equal("COMPLETED", (string?)s!["state"]));
        Assert.Equal(true, (bool?)done["steps"]![2]!["result"]!["ok"]);
    }

    [Fact]
    public async Task Push_gives_the_waiting_step_its_value_and_the_next_step_runs()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");

        var pushed = await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/push", """{"value":{"approvedBy":"carol"}}""");
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        var done = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.Equal("carol", (string?)done["steps"]![2]!["result"]!["approvedBy"]);
        Assert.Equal("COMPLETED", (string?)done["steps"]![3]!["state"]);
    }

    [Fact]
    public async Task Resume_url_pushes_without_an_api_key_once_and_refuses_a_second_use()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        var waiting = await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        var url = (string)waiting["steps"]![2]!["resumeUrl"]!;
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/api/v1/resume/", url, StringComparison.Ordinal);
        Assert.Equal(url, (string?)waiting["resumeUrl"]);

        var first = await server.Anonymous.PostJsonAsync(url, """{"value":"from the callback"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var second = await server.Anonymous.PostJsonAsync(url, """{"value":"again"}""");
        await second.AssertProblemAsync(HttpStatusCode.NotFound);

        var done = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.Equal("from the callback", (string?)done["steps"]![2]!["result"]);
        Assert.Null(done["steps"]![2]!["resumeUrl"]);

        // After the worker applied it, the token is gone from the store as well.
        var late = await server.Anonymous.PostJsonAsync(url, "{}");
        await late.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_event_raised_before_the_flow_waits_for_it_is_kept_and_resumes_the_step()
    {
        const string spec = """
            {"spec":{"tasks":[
              {"key":"slow","task_type":"delay","task_params":{"seconds":1}},
              {"key":"approval","task_type":"wait","task_params":{"event":"approved"}},
              {"key":"after","task_type":"noop"}]}}
            """;
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", spec);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;

        var raised = await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/events/approved", """{"value":{"by":"dave"}}""");
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        var early = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
        Assert.NotEqual("COMPLETED", (string?)early["steps"]![0]!["state"]);

        var done = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.Equal("dave", (string?)done["steps"]![1]!["result"]!["by"]);
        Assert.Equal("COMPLETED", (string?)done["steps"]![2]!["state"]);
    }

    [Fact]
    public async Task Stream_shows_waiting_then_completed_live_and_ends()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/flows/{id}/stream");
        using var response = await server.Alice.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var first = await NextFlowEventAsync(reader, timeout.Token);
        Assert.Equal("WAITING", (string?)first["state"]);

        // Pushed while the stream is open: the change must arrive on it, not by polling.
        var pushed = await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/push", """{"value":1}""");
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        var states = new List<string?>();
        JsonObject next;
        do
        {
            next = await NextFlowEventAsync(reader, timeout.Token);
            states.Add((string?)next["state"]);
        }
        while ((string?)next["state"] != "COMPLETED");

        Assert.Equal("COMPLETED", states[^1]);

        // The server ends the stream at a terminal state: only the event's closing blank line is left.
        Assert.Equal("", (await reader.ReadToEndAsync(timeout.Token)).Trim());
    }

    /// <summary>The flow document of the stream's next event (the type must be <c>flow</c>).</summary>
    internal static async Task<JsonObject> NextFlowEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? type = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("flow", type);
                return JsonNode.Parse(line["data: ".Length..])!.AsObject();
            }
        }

        throw new InvalidOperationException("the stream ended before the next event");
    }

    private async Task<JsonArray> WaitForHistoryAsync(string id, string kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var history = (await server.Alice.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{id}/history"))!;
            if (history.Any(e => (string?)e!["kind"] == kind) || DateTime.UtcNow > deadline)
            {
                return history;
            }

            await Task.Delay(25);
        }
    }
}
