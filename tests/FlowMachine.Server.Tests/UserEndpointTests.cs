using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>/api/v1/users</c>: listing, rotating and revoking keys, for administrators only.</summary>
public sealed class UserEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Admins_list_users_with_roles_and_key_prefixes_never_keys()
    {
        using var response = await server.Admin.GetAsync("/api/v1/users");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var users = JsonNode.Parse(text)!.AsArray();
        // By name; other tests of this class may have added users after bob.
        Assert.Equal(["admin", "alice", "bob"], users.Select(u => (string)u!["name"]!).Take(3));
        Assert.True((bool)users[0]!["admin"]!);
        Assert.False((bool)users[1]!["admin"]!);
        Assert.Equal(ServerFixture.AdminKey[..8], (string)users[0]!["keys"]![0]!);
        Assert.DoesNotContain(ServerFixture.AdminKey, text, StringComparison.Ordinal);
        Assert.NotNull(users[1]!["createdAt"]);
    }

    [Fact]
    public async Task Non_admins_get_403_and_no_key_gets_401_on_every_user_route()
    {
        foreach (var client in new[] { server.Alice, server.Bob })
        {
            await (await client.GetAsync("/api/v1/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsync("/api/v1/users/bob/rotate", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsync("/api/v1/users/alice/revoke", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await server.Anonymous.GetAsync("/api/v1/users")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await server.WrongKey.PostAsync("/api/v1/users/bob/rotate", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // Nothing changed: both keys still work.
        Assert.Equal(HttpStatusCode.OK, (await server.Alice.GetAsync("/api/v1/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Bob.GetAsync("/api/v1/flows")).StatusCode);
    }

    [Fact]
    public async Task Rotate_returns_a_new_key_once_and_the_old_one_stops_working()
    {
        var carolKey = await AddUserAsync("carol");
        var carol = server.Client(carolKey);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync("/api/v1/flows")).StatusCode);

        using var rotated = await server.Admin.PostAsync("/api/v1/users/carol/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var body = await rotated.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("carol", (string)body!["name"]!);
        var newKey = (string)body["key"]!;
        Assert.StartsWith("fm_", newKey, StringComparison.Ordinal);

        await (await carol.GetAsync("/api/v1/flows")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await server.Client(newKey).GetAsync("/api/v1/flows")).StatusCode);

        var problem = await (await server.Admin.PostAsync("/api/v1/users/nobody/rotate", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("user 'nobody' does not exist", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_stops_every_key_of_the_user_but_not_the_callers_own()
    {
        var daveKey = await AddUserAsync("dave");
        var dave = server.Client(daveKey);

        using var revoked = await server.Admin.PostAsync("/api/v1/users/dave/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.True((bool)(await revoked.Content.ReadFromJsonAsync<JsonObject>())!["revoked"]!);
        await (await dave.GetAsync("/api/v1/flows")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var users = (await server.Admin.GetFromJsonAsync<JsonArray>("/api/v1/users"))!;
        Assert.Empty(users.Single(u => (string)u!["name"]! == "dave")!["keys"]!.AsArray());

        await (await server.Admin.PostAsync("/api/v1/users/nobody/revoke", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        var own = await (await server.Admin.PostAsync("/api/v1/users/admin/revoke", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("lock you out", (string)own["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/api/v1/users")).StatusCode);
    }

    private async Task<string> AddUserAsync(string name)
    {
        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<FlowMachine.Storage.IUserStore>(server.App.Services);
        return await FlowMachine.Users.UserAccounts.AddUserAsync(users, name, isAdmin: false, DateTimeOffset.UtcNow);
    }
}
