using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>The Idempotency-Key header: a command sent again with the same key gets the first answer and acts once.</summary>
public sealed class IdempotencyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string TwoWaits = """{"spec":["test.Wait","test.Wait"]}""";

    [Fact]
    public async Task A_push_repeated_with_the_same_key_is_answered_again_and_applied_once()
    {
        var id = await StartWaitingAsync(server.Alice);
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(server.Alice, $"/api/v1/flows/{id}/push", """{"value": 1}""", key);
        using var again = await SendAsync(server.Alice, $"/api/v1/flows/{id}/push", """{"value": 1}""", key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.False(first.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());

        // One push: the first wait completed, the second still waits, and no second push was queued (or ignored).
        var flow = await ServerFixture.WaitForAsync(server.Alice, id, f => (string?)f["steps"]![1]!["state"] == "WAITING");
        Assert.Equal("COMPLETED", (string?)flow["steps"]![0]!["state"]);
        var history = (await server.Alice.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{id}/history"))!;
        Assert.Single(history, e => (string?)e!["kind"] == "step.pushed");
        Assert.DoesNotContain(history, e => (string?)e!["kind"] == "command.ignored");

        // A new key is a new command.
        using var next = await SendAsync(server.Alice, $"/api/v1/flows/{id}/push", """{"value": 2}""", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
    }

    [Fact]
    public async Task A_refusal_is_kept_too_and_the_key_is_each_users_own()
    {
        var id = await StartWaitingAsync(server.Alice);
        var key = Guid.NewGuid().ToString();

        // Bob may not see the flow: 404, and again 404 from the receipt; Alice's use of the same key is hers.
        await (await SendAsync(server.Bob, $"/api/v1/flows/{id}/cancel", "{}", key)).AssertProblemAsync(HttpStatusCode.NotFound);
        using var replayed = await SendAsync(server.Bob, $"/api/v1/flows/{id}/cancel", "{}", key);
        await replayed.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(replayed.Headers.Contains("Idempotency-Replayed"));
        using var alice = await SendAsync(server.Alice, $"/api/v1/flows/{id}/cancel", "{}", key);
        Assert.Equal(HttpStatusCode.Accepted, alice.StatusCode);
        await ServerFixture.WaitForStateAsync(server.Alice, id, "CANCELLED");
    }

    [Fact]
    public async Task The_same_key_on_another_route_is_422_and_a_key_that_is_not_ascii_is_400()
    {
        var id = await StartWaitingAsync(server.Alice);
        var key = Guid.NewGuid().ToString();
        using var suspended = await SendAsync(server.Alice, $"/api/v1/flows/{id}/suspend", null, key);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);

        var reused = await (await SendAsync(server.Alice, $"/api/v1/flows/{id}/resume", null, key)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"/api/v1/flows/{id}/suspend", (string?)reused["detail"], StringComparison.Ordinal);
        Assert.True((bool)(await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!["suspended"]!);

        var bad = await (await SendAsync(server.Alice, $"/api/v1/flows/{id}/resume", null, new string('k', 256))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(bad["errors"]!.AsObject().ContainsKey("Idempotency-Key"));
    }

    private static async Task<string> StartWaitingAsync(HttpClient client)
    {
        using var started = await client.PostJsonAsync("/api/v1/flows", TwoWaits);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(client, id, "WAITING");
        return id;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string? json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}
