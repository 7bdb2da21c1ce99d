using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>Every schedule route × no key, wrong key, the owner, another user, the admin and an unknown name.</summary>
public sealed class ScheduleAuthorizationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> ChangingRoutes => ["put", "delete", "pause", "resume", "trigger", "backfill"];

    public static TheoryData<string> AllNamedRoutes => ["get", "put", "delete", "pause", "resume", "trigger", "backfill"];

    [Theory]
    [MemberData(nameof(ChangingRoutes))]
    public async Task Changing_a_schedule_is_for_its_owner_and_the_admin_and_another_user_gets_403_changing_nothing(string route)
    {
        var name = await ScheduleEndpointTests.CreateAsync(server.Alice, "\"cron\":\"0 0 1 1 *\"");
        var before = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!;

        await (await SendAsync(server.Anonymous, route, name)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await SendAsync(server.WrongKey, route, name)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var problem = await (await SendAsync(server.Bob, route, name)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(name, (string?)problem["detail"], StringComparison.Ordinal);

        var after = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!;
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Empty((await server.Admin.GetFromJsonAsync<JsonObject>($"/api/v1/flows?schedule={name}"))!["items"]!.AsArray());

        using var owner = await SendAsync(server.Alice, route, name);
        Assert.True(owner.IsSuccessStatusCode, $"{route}: {(int)owner.StatusCode} {await owner.Content.ReadAsStringAsync()}");
        var other = await ScheduleEndpointTests.CreateAsync(server.Alice, "\"cron\":\"0 0 1 1 *\"");
        using var admin = await SendAsync(server.Admin, route, other);
        Assert.True(admin.IsSuccessStatusCode, $"{route}: {(int)admin.StatusCode} {await admin.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Every_user_reads_every_schedule_and_the_list_needs_a_key()
    {
        var name = await ScheduleEndpointTests.CreateAsync(server.Alice, "\"every\":\"1h\"");

        Assert.Equal("alice", (string?)(await server.Bob.GetFromJsonAsync<JsonObject>($"/api/v1/schedules/{name}"))!["owner"]);
        Assert.Contains((await server.Bob.GetFromJsonAsync<JsonArray>("/api/v1/schedules"))!, s => (string?)s!["name"] == name);
        await (await server.Anonymous.GetAsync("/api/v1/schedules")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await server.Anonymous.PostJsonAsync("/api/v1/schedules", """{"name":"anon","spec":["noop"],"every":"1h"}""")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(AllNamedRoutes))]
    public async Task An_unknown_schedule_is_404_naming_it(string route)
    {
        var name = ScheduleEndpointTests.NewName();

        var problem = await (await SendAsync(server.Admin, route, name)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains($"schedule '{name}' does not exist", (string?)problem["detail"], StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string route, string name)
    {
        var path = $"/api/v1/schedules/{name}";
        return route switch
        {
            "get" => client.GetAsync(path),
            "put" => client.PutAsJsonAsync(path, JsonNode.Parse("""{"spec":["noop"],"cron":"0 0 2 1 *"}""")),
            "delete" => client.DeleteAsync(path),
            "pause" => client.PostJsonAsync(path + "/pause", """{"note":"n"}"""),
            "resume" => client.PostAsync(path + "/resume", null),
            "trigger" => client.PostAsync(path + "/trigger", null),
            "backfill" => client.PostJsonAsync(path + "/backfill", """{"from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z"}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
        };
    }
}
