using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Client.Tests;

/// <summary>Transient failures are retried only where sending again cannot apply anything twice: reads, keyed starts, commands with an Idempotency-Key.</summary>
public sealed class RetryTests
{
    private const string Accepted = """{"flowId": "f1", "command": "push", "status": "accepted"}""";

    private const string Flow = """{"id": "f1", "state": "PENDING", "position": 0, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z", "steps": []}""";

    [Fact]
    public async Task A_read_is_tried_again_after_a_503_and_a_dropped_connection()
    {
        var server = new ScriptedHandler(
            _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            _ => throw new HttpRequestException("connection reset"),
            _ => Json(HttpStatusCode.OK, Flow));
        var view = await Client(server).GetAsync("f1");
        Assert.Equal("f1", view!.Flow.Id);
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task A_start_with_a_key_is_tried_again_and_sends_the_same_body()
    {
        var server = new ScriptedHandler(
            _ => new HttpResponseMessage(HttpStatusCode.BadGateway),
            _ => Json(HttpStatusCode.Created, Flow));
        var started = await Client(server).StartAsync(new StartFlowRequest { Routine = "r", Key = "k1" });
        Assert.True(started.Created);
        Assert.Equal(2, server.Calls);
        Assert.Equal(server.Bodies[0], server.Bodies[1]);
        Assert.Equal("k1", (string?)JsonNode.Parse(server.Bodies[1]!)!["key"]);
    }

    [Fact]
    public async Task A_start_without_a_key_goes_out_once()
    {
        var server = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var client = Client(server);
        await Assert.ThrowsAsync<FlowMachineApiException>(() => client.StartAsync(new StartFlowRequest { Routine = "r" }));
        Assert.Equal(1, server.Calls);
        Assert.False(server.Requests[0].Headers.Contains(IdempotencyKey.Header));
    }

    [Fact]
    public async Task A_command_is_tried_again_with_the_same_idempotency_key_and_each_call_has_its_own()
    {
        var server = new ScriptedHandler(
            _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            _ => throw new HttpRequestException("connection reset"),
            _ => Json(HttpStatusCode.Accepted, Accepted));
        var client = Client(server);
        Assert.Equal(CommandStatus.Accepted, (await client.PushAsync("f1", 1)).Status);
        Assert.Equal(3, server.Calls);
        var key = Assert.Single(server.Requests.Select(KeyOf).Distinct());
        Assert.Equal(server.Bodies[0], server.Bodies[2]);

        Assert.Equal(CommandStatus.Accepted, (await client.CancelAsync("f1")).Status);
        Assert.NotEqual(key, KeyOf(server.Requests[^1]));

        // The caller's own key, for every command inside the scope.
        using (IdempotencyKey.Use("order-42-approve"))
        {
            await client.SubmitAsync("f1");
            await client.SuspendFlowAsync("f1");
        }

        Assert.All(server.Requests[^2..], r => Assert.Equal("order-42-approve", KeyOf(r)));
        await client.ResetAsync("f1");
        Assert.NotEqual("order-42-approve", KeyOf(server.Requests[^1]));
        Assert.Throws<ArgumentException>(() => IdempotencyKey.Use("not ascii é"));

        // A connection that keeps failing still ends in the framework's exception, after the retries.
        await Assert.ThrowsAsync<HttpRequestException>(() => Client(new ScriptedHandler(_ => throw new HttpRequestException("refused"))).CancelAsync("f1"));
    }

    private static string KeyOf(HttpRequestMessage request) => request.Headers.GetValues(IdempotencyKey.Header).Single();

    [Fact]
    public async Task A_read_gives_up_after_the_configured_retries_with_the_servers_problem()
    {
        var server = new ScriptedHandler(_ => Json(HttpStatusCode.ServiceUnavailable, """{"status": 503, "title": "Unavailable", "detail": "try again"}"""));
        var error = await Assert.ThrowsAsync<FlowMachineApiException>(() => Client(server, retries: 2).GetAsync("f1"));
        Assert.Equal(503, error.StatusCode);
        Assert.Equal("try again", error.Message);
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task Every_request_sends_the_key_as_a_bearer_token_under_the_base_path()
    {
        var server = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"items": [], "next": null}"""));
        var services = new ServiceCollection();
        services.AddFlowMachineClient(o =>
        {
            o.BaseAddress = new Uri("http://flows.test/fm");
            o.ApiKey = "fm_key";
        }).ConfigurePrimaryHttpMessageHandler(() => server);
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IFlowMachineClient>().ListAsync(new Storage.FlowQuery { State = FlowState.Waiting, Tag = "a b", Limit = 5 });
        var request = Assert.Single(server.Requests);
        Assert.Equal("http://flows.test/fm/api/v1/flows?state=WAITING&tag=a%20b&limit=5", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer fm_key", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void Options_without_an_absolute_address_are_refused_at_registration()
    {
        var services = new ServiceCollection();
        Assert.Throws<InvalidOperationException>(() => services.AddFlowMachineClient(o => o.ApiKey = "fm_key"));
        Assert.Throws<InvalidOperationException>(() => services.AddFlowMachineClient(o => o.BaseAddress = new Uri("/relative", UriKind.Relative)));
    }

    private static IFlowMachineClient Client(ScriptedHandler server, int retries = 3)
    {
        var services = new ServiceCollection();
        services.AddFlowMachineClient(o =>
        {
            o.BaseAddress = new Uri("http://flows.test");
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            o.MaxRetries = retries;
        }).ConfigurePrimaryHttpMessageHandler(() => server);
        return services.BuildServiceProvider().GetRequiredService<IFlowMachineClient>();
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    /// <summary>Answers each call with the next step of its script (the last one repeats) and records what it was sent.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string?> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
            var step = script[Math.Min(Calls, script.Length - 1)];
            Calls++;
            return step(request);
        }
    }
}
