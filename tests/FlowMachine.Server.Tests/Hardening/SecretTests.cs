using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Tests.Hardening;

/// <summary>API keys, Authorization headers and secret params never reach the server's logs, a flow's history or what the API shows.</summary>
public sealed class SecretTests
{
    private const string Token = "tok-9d2e7b41-never-show-me";

    [Fact]
    public async Task Keys_headers_and_secret_params_stay_out_of_logs_history_and_answers()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await CustomServer.StartAsync(logs: logs, tasks: r => r.Register<SecretTokenTask>());
        var key = await UserAccounts.AddUserAsync(server.App.Services.GetRequiredService<IUserStore>(), "carol", isAdmin: false, DateTimeOffset.UtcNow);
        using var carol = server.Client(key);
        using var wrong = server.Client(key[..^1] + (key[^1] == 'x' ? 'y' : 'x'));

        // A routine whose secret param is written in the spec: stored, run, shown, failed with the token in its exception.
        var spec = $$$"""{"name":"secret-call","spec":{"tasks":[{"key":"call","task_type":"test.SecretToken","task_params":{"token":"{{{Token}}}","region":"eu"}}]}}""";
        Assert.Equal(HttpStatusCode.Created, (await carol.PostAsJsonAsync("/api/v1/routines", JsonNode.Parse(spec))).StatusCode);
        var started = await carol.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["routine"] = "secret-call" });
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        var flow = await ServerFixture.WaitForStateAsync(carol, id, "FAILED");
        Assert.Contains("token=***", (string)flow["steps"]![0]!["error"]!, StringComparison.Ordinal);

        var answers = new List<string>
        {
            flow.ToJsonString(),
            await carol.GetStringAsync($"/api/v1/flows/{id}/history"),
            await carol.GetStringAsync("/api/v1/routines/secret-call"),
            await carol.GetStringAsync("/api/v1/flows"),
        };
        Assert.Contains("\"token\":\"***\"", answers[2], StringComparison.Ordinal);
        Assert.Contains("\"region\":\"eu\"", answers[2], StringComparison.Ordinal);

        // The catalogue says which params are secret.
        var catalogue = await carol.GetFromJsonAsync<JsonArray>("/api/v1/tasks");
        var param = catalogue!.Single(t => (string)t!["name"]! == "test.SecretToken")!["params"]!.AsArray().Single(p => (string)p!["name"]! == "token")!;
        Assert.True((bool)param["secret"]!);

        // Refused keys and malformed headers are logged as refusals, never with the key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/flows")).StatusCode);
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/v1/flows");
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic " + key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await carol.SendAsync(basic)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/metrics")).StatusCode);

        var logged = string.Join("\n", logs.Lines);
        Assert.Contains("Refused an API key", logged, StringComparison.Ordinal); // the logs were captured at all
        Assert.Contains("Request starting", logged, StringComparison.Ordinal);
        foreach (var secret in new[] { key, key[..^1], ServerFixture.AdminKey, Token })
        {
            Assert.DoesNotContain(secret, logged, StringComparison.Ordinal);
        }

        Assert.All(answers, a => Assert.DoesNotContain(Token, a, StringComparison.Ordinal));
        var history = await server.App.Services.GetRequiredService<IFlowStore>().GetHistoryAsync(id, 0, 1000, default);
        Assert.DoesNotContain(history, e => e.Detail?.ToJsonString().Contains(Token, StringComparison.Ordinal) == true);
    }

    [TaskType("test.SecretToken", Description = "Calls an API with a token and fails quoting the URL.")]
    [TaskParam("token", "The API token.", Required = true, Secret = true)]
    [TaskParam("region", "Where to call.")]
    internal sealed class SecretTokenTask : IFlowTask
    {
        public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
            throw new HttpRequestException($"GET https://{context.Param("region", "us")}.api.example/v1?token={context.RequiredParam<string>("token")} answered 401");
    }
}
