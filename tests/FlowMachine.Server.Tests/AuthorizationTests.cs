using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>Every route × no key, wrong key, owner, another user and the admin.</summary>
public sealed class AuthorizationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> FlowRoutes => ["get", "history", "stream", "submit", "push", "event", "cancel", "reset", "position"];

    public static TheoryData<string> SharedRoutes => ["routines.save", "routines.list", "routines.get", "tasks", "flows.start", "flows.list", "metrics"];

    [Theory]
    [MemberData(nameof(FlowRoutes))]
    public async Task Flow_route_needs_a_key_and_is_only_for_the_owner_and_the_admin(string route)
    {
        var id = await WaitingFlowAsync();

        await (await SendFlowAsync(server.Anonymous, route, id)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await SendFlowAsync(server.WrongKey, route, id)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // Moving the position is for admins only, so even the owner is refused.
        var adminOnly = route == "position";
        await (await SendFlowAsync(server.Bob, route, id)).AssertProblemAsync(adminOnly ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound);
        using var owner = await SendFlowAsync(server.Alice, route, id);
        if (adminOnly)
        {
            await owner.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        else
        {
            await AssertSuccessAsync(owner);
        }

        // The owner's command may have moved the flow on; the admin acts on a fresh waiting one.
        using var admin = await SendFlowAsync(server.Admin, route, await WaitingFlowAsync());
        await AssertSuccessAsync(admin);
    }

    [Theory]
    [MemberData(nameof(SharedRoutes))]
    public async Task Shared_route_needs_a_key_and_serves_every_user(string route)
    {
        await (await SendSharedAsync(server.Anonymous, route)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await SendSharedAsync(server.WrongKey, route)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        foreach (var client in new[] { server.Alice, server.Bob, server.Admin })
        {
            using var response = await SendSharedAsync(client, route);
            await AssertSuccessAsync(response);
        }
    }

    [Fact]
    public async Task Lists_show_a_user_only_their_flows_and_the_admin_all()
    {
        var id = await WaitingFlowAsync();
        var bobs = (await server.Bob.GetFromJsonAsync<JsonObject>("/api/v1/flows?limit=500"))!;
        Assert.DoesNotContain(bobs["items"]!.AsArray(), f => (string?)f!["id"] == id);
        var alices = (await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/flows?limit=500"))!;
        Assert.Contains(alices["items"]!.AsArray(), f => (string?)f!["id"] == id);
        Assert.All(alices["items"]!.AsArray(), f => Assert.Equal("alice", (string?)f!["owner"]));
        var all = (await server.Admin.GetFromJsonAsync<JsonObject>("/api/v1/flows?limit=500"))!;
        Assert.Contains(all["items"]!.AsArray(), f => (string?)f!["id"] == id);
    }

    [Fact]
    public async Task A_key_of_another_users_flow_is_refused_and_the_owners_repeat_returns_the_flow()
    {
        var key = "order-" + Guid.NewGuid().ToString("N");
        var body = $$"""{"spec":["test.Wait"],"key":"{{key}}"}""";
        var first = await server.Alice.PostJsonAsync("/api/v1/flows", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var again = await server.Alice.PostJsonAsync("/api/v1/flows", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((string?)(await first.ReadObjectAsync())["id"], (string?)(await again.ReadObjectAsync())["id"]);
        await (await server.Bob.PostJsonAsync("/api/v1/flows", body)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_admin_starting_with_the_key_of_another_users_flow_gets_409_naming_that_flow_not_the_flow_itself()
    {
        var key = "order-" + Guid.NewGuid().ToString("N");
        var body = $$"""{"spec":["test.Wait"],"key":"{{key}}"}""";
        var first = await server.Alice.PostJsonAsync("/api/v1/flows", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var aliceFlow = (string)(await first.ReadObjectAsync())["id"]!;

        var problem = await (await server.Admin.PostJsonAsync("/api/v1/flows", body)).AssertProblemAsync(HttpStatusCode.Conflict);

        // The admin may see every flow, so the answer says which one holds the key; bob's 409 does not.
        Assert.Contains(aliceFlow, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("alice", (string?)problem["detail"], StringComparison.Ordinal);
        var bobs = await (await server.Bob.PostJsonAsync("/api/v1/flows", body)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.DoesNotContain(aliceFlow, (string?)bobs["detail"], StringComparison.Ordinal);

        // The admin's own keyed start is still idempotent.
        var adminKey = "admin-" + key;
        var mine = await server.Admin.PostJsonAsync("/api/v1/flows", $$"""{"spec":["test.Wait"],"key":"{{adminKey}}"}""");
        Assert.Equal(HttpStatusCode.Created, mine.StatusCode);
        var repeat = await server.Admin.PostJsonAsync("/api/v1/flows", $$"""{"spec":["test.Wait"],"key":"{{adminKey}}"}""");
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
    }

    [Fact]
    public async Task Health_and_resume_need_no_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.GetAsync("/healthz")).StatusCode);
        await (await server.Anonymous.PostJsonAsync("/api/v1/resume/not-a-token", "{}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>Reads the body only on failure: a stream's body never ends.</summary>
    private static async Task AssertSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{response.RequestMessage?.RequestUri} got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<string> WaitingFlowAsync()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":["test.One","test.Wait","test.Three"]}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        return id;
    }

    private static Task<HttpResponseMessage> SendFlowAsync(HttpClient client, string route, string id)
    {
        var flow = $"/api/v1/flows/{id}";
        return route switch
        {
            "get" => client.GetAsync(flow),
            "history" => client.GetAsync(flow + "/history"),
            "stream" => client.GetAsync(flow + "/stream", HttpCompletionOption.ResponseHeadersRead),
            "submit" => client.PostJsonAsync(flow + "/submit", """{"args":{"ok":false}}"""),
            "push" => client.PostJsonAsync(flow + "/push", """{"value":1}"""),
            "event" => client.PostJsonAsync(flow + "/events/go", """{"value":1}"""),
            "cancel" => client.PostJsonAsync(flow + "/cancel", """{"reason":"test"}"""),
            "reset" => client.PostAsync(flow + "/reset", null),
            "position" => client.PostJsonAsync(flow + "/position", """{"position":2}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
        };
    }

    private static Task<HttpResponseMessage> SendSharedAsync(HttpClient client, string route) => route switch
    {
        "routines.save" => client.PostJsonAsync("/api/v1/routines", Http.SeedRoutine),
        "routines.list" => client.GetAsync("/api/v1/routines"),
        "routines.get" => GetRoutineAsync(client),
        "tasks" => client.GetAsync("/api/v1/tasks"),
        "flows.start" => client.PostJsonAsync("/api/v1/flows", """{"spec":["noop"]}"""),
        "flows.list" => client.GetAsync("/api/v1/flows"),
        "metrics" => client.GetAsync("/metrics"),
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };

    private static async Task<HttpResponseMessage> GetRoutineAsync(HttpClient client)
    {
        // The routine exists whoever asks first; a refused save leaves nothing to read, which is fine for 401s.
        using var _ = await client.PostJsonAsync("/api/v1/routines", Http.SeedRoutine);
        return await client.GetAsync("/api/v1/routines/seed000");
    }
}
