using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>GET /api/v1/events</c>: the kept events and the flows waiting by event and key, a user's own, everything for an administrator.</summary>
public sealed class EventListEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Spec = """{"spec":{"tasks":[{"key":"packed","task_type":"wait","task_params":{"event":"list.packed","key":"$input.order"}}]},"input":{"order":"L-1"}}""";

    [Fact]
    public async Task Kept_events_and_waiting_flows_are_listed_for_their_owner_and_an_administrator_filtered_by_name_and_key()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", Spec);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        await server.Alice.PostJsonAsync("/api/v1/events/list.other", """{"key":"L-9","value":{"n":1},"id":"msg-1"}""");

        var alice = (await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/events?name=list.packed"))!;
        var wait = Assert.Single(alice["waiting"]!.AsArray())!;
        Assert.Equal((id, "packed", "list.packed", "L-1", "alice"),
            ((string?)wait["flowId"], (string?)wait["stepKey"], (string?)wait["eventName"], (string?)wait["key"], (string?)wait["owner"]));
        Assert.NotNull(wait["waitingSince"]);
        Assert.Empty(alice["kept"]!.AsArray());

        var kept = Assert.Single((await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/events?key=L-9"))!["kept"]!.AsArray())!;
        Assert.Equal(("list.other", "L-9", 1, "msg-1", "alice"), ((string?)kept["name"], (string?)kept["key"], (int)kept["value"]!["n"]!, (string?)kept["id"], (string?)kept["owner"]));
        Assert.True(DateTimeOffset.Parse((string)kept["keepUntil"]!, System.Globalization.CultureInfo.InvariantCulture)
            > DateTimeOffset.Parse((string)kept["raisedAt"]!, System.Globalization.CultureInfo.InvariantCulture));

        // Bob sees neither; the administrator sees both.
        var bob = (await server.Bob.GetFromJsonAsync<JsonObject>("/api/v1/events?key=L-9"))!;
        Assert.Empty(bob["kept"]!.AsArray());
        Assert.Empty((await server.Bob.GetFromJsonAsync<JsonObject>("/api/v1/events?name=list.packed"))!["waiting"]!.AsArray());
        Assert.Single((await server.Admin.GetFromJsonAsync<JsonObject>("/api/v1/events?key=L-9"))!["kept"]!.AsArray());
        Assert.Single((await server.Admin.GetFromJsonAsync<JsonObject>("/api/v1/events?name=list.packed&key=L-1"))!["waiting"]!.AsArray());

        var refused = await server.Alice.GetAsync("/api/v1/events?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous.GetAsync("/api/v1/events")).StatusCode);
        await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/cancel", "{}");
    }
}
