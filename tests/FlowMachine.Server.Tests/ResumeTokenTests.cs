using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace FlowMachine.Server.Tests;

/// <summary>Resume URLs are single-use under concurrency and expire (issue 8).</summary>
public sealed class ResumeTokenTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Resume_tokens_carry_at_least_128_random_bits()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        var waiting = await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        var token = Uri.UnescapeDataString(((string)waiting["resumeUrl"]!).Split('/')[^1]);
        Assert.True(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/')).Length * 8 >= 128, token);
    }

    [Fact]
    public async Task Eight_concurrent_resume_requests_push_once()
    {
        var id = await Http.StartSeedFlowAsync(server.Alice);
        var url = (string)(await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING"))["resumeUrl"]!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => server.Anonymous.PostJsonAsync(url, $$"""{"value":{{i}}}""")));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.NotFound));

        await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        var history = (await server.Alice.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{id}/history"))!;
        Assert.Single(history, e => (string?)e!["kind"] == "step.pushed");
    }

    [Fact]
    public async Task An_expired_resume_token_is_refused_with_410_and_the_step_keeps_waiting()
    {
        using var folder = new TempFolder();
        var options = new FlowMachineServerOptions
        {
            AdminKey = ServerFixture.AdminKey,
            ConsoleLogging = false,
            PollInterval = TimeSpan.FromMilliseconds(50),
            ResumeTokenLifetime = TimeSpan.FromMilliseconds(10),
        };
        options.Urls.Add("http://127.0.0.1:0");
        await using var app = FlowMachineServer.Build(options, flowMachine => flowMachine.UseSqlite(folder.File("expiry.db")).AddTasks(ExampleTasks.Assembly));
        await app.StartAsync();
        using var admin = new HttpClient { BaseAddress = new Uri(FlowMachineServer.Addresses(app)[0]) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", ServerFixture.AdminKey);

        var id = await Http.StartSeedFlowAsync(admin);
        var url = (string)(await ServerFixture.WaitForStateAsync(admin, id, "WAITING"))["resumeUrl"]!;
        await Task.Delay(50);

        var problem = await (await admin.PostJsonAsync(url, "{}")).AssertProblemAsync(HttpStatusCode.Gone);
        Assert.Contains("expired", (string?)problem["detail"], StringComparison.Ordinal);
        var flow = (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
        Assert.Equal("WAITING", (string?)flow["state"]);

        // An API key can still push it.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostJsonAsync($"/api/v1/flows/{id}/push", """{"value":1}""")).StatusCode);
        await ServerFixture.WaitForStateAsync(admin, id, "COMPLETED");
        await app.StopAsync();
    }
}
