using System.Net;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>POST /api/v1/flows/purge: administrators delete finished flows by a filter, as <c>flowmachine flows purge</c> does.</summary>
public sealed class FlowPurgeEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_admin_counts_then_deletes_the_finished_flows_of_a_tag()
    {
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":["test.One"],"tags":["purge-me"]}""");
            ids.Add((string)(await started.ReadObjectAsync())["id"]!);
        }

        foreach (var id in ids)
        {
            await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        }

        using var dry = await server.Admin.PostJsonAsync("/api/v1/flows/purge", """{"tag":"purge-me","state":"COMPLETED","dryRun":true}""");
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var counted = await dry.ReadObjectAsync();
        Assert.Equal((true, 2L), ((bool)counted["dryRun"]!, (long)counted["flows"]!));
        Assert.False(counted.ContainsKey("children"));

        using var purged = await server.Admin.PostJsonAsync("/api/v1/flows/purge", """{"tag":"purge-me"}""");
        var done = await purged.ReadObjectAsync();
        Assert.Equal((false, 2L, 0L), ((bool)done["dryRun"]!, (long)done["flows"]!, (long)done["children"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Alice.GetAsync($"/api/v1/flows/{ids[0]}")).StatusCode);
    }

    [Fact]
    public async Task Anyone_else_is_403_and_a_filter_that_does_not_parse_is_400_naming_it()
    {
        await (await server.Alice.PostJsonAsync("/api/v1/flows/purge", """{"dryRun":true}""")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var waiting = await (await server.Admin.PostJsonAsync("/api/v1/flows/purge", """{"state":"WAITING"}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("WAITING is not a finished state", (string?)waiting["errors"]!["state"]![0], StringComparison.Ordinal);
        var age = await (await server.Admin.PostJsonAsync("/api/v1/flows/purge", """{"olderThan":"soon"}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(age["errors"]!.AsObject().ContainsKey("olderThan"));
        await (await server.Admin.PostJsonAsync("/api/v1/flows/purge", """{"states":"COMPLETED"}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
