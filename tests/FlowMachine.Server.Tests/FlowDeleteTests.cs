using System.Net;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>DELETE /api/v1/flows/{id}</c>: finished flows only, for their owner and the admin.</summary>
public sealed class FlowDeleteTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static async Task<string> StartAsync(HttpClient client, string spec, string state)
    {
        var started = await client.PostJsonAsync("/api/v1/flows", $$"""{"spec":{{spec}}}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(client, id, state);
        return id;
    }

    [Fact]
    public async Task The_owner_deletes_a_finished_flow_and_it_is_gone()
    {
        var id = await StartAsync(server.Alice, """["test.One"]""", "COMPLETED");

        await (await server.Anonymous.DeleteAsync($"/api/v1/flows/{id}")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await server.Bob.DeleteAsync($"/api/v1/flows/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var deleted = await server.Alice.DeleteAsync($"/api/v1/flows/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await server.Alice.GetAsync($"/api/v1/flows/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var again = await (await server.Alice.DeleteAsync($"/api/v1/flows/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains($"flow {id} does not exist", (string?)again["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_deletes_anyones_finished_flow()
    {
        var id = await StartAsync(server.Alice, """["test.One"]""", "COMPLETED");
        using var deleted = await server.Admin.DeleteAsync($"/api/v1/flows/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_waiting_flow_is_a_conflict_and_changes_nothing()
    {
        var id = await StartAsync(server.Alice, """["test.One","test.Wait"]""", "WAITING");

        var problem = await (await server.Admin.DeleteAsync($"/api/v1/flows/{id}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"flow {id} is WAITING", (string?)problem["detail"], StringComparison.Ordinal);
        using var still = await server.Alice.GetAsync($"/api/v1/flows/{id}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.Equal("WAITING", (string?)(await still.ReadObjectAsync())["state"]);
    }
}
