using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>POST /api/v1/flows/bulk</c>: retry, cancel or delete every flow a filter matches; the caller's own unless admin.</summary>
public sealed class FlowBulkEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Killed = """["test.One",{"key":"stop","task_type":"kill","task_params":{"reason":"enough"}},"test.Three"]""";
    private const string Waiting = """["test.One","test.Wait"]""";
    private const string Done = """["test.One"]""";

    private static string NewTag() => "b" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<string> StartAsync(HttpClient client, string spec, string tag, string state)
    {
        using var started = await client.PostJsonAsync("/api/v1/flows", $$"""{"spec":{{spec}},"tags":["{{tag}}"]}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(client, id, state);
        return id;
    }

    private static async Task<JsonObject> BulkAsync(HttpClient client, string action, JsonObject filter, bool dryRun = false)
    {
        var body = new JsonObject { ["action"] = action, ["filter"] = filter, ["dryRun"] = dryRun };
        using var response = await client.PostJsonAsync("/api/v1/flows/bulk", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadObjectAsync();
    }

    private async Task<string> StateAsync(string id) => (string)(await (await server.Admin.GetAsync($"/api/v1/flows/{id}")).ReadObjectAsync())["state"]!;

    private static (int Matched, int Done, int Refused) Counts(JsonObject result) => ((int)result["matched"]!, (int)result["done"]!, (int)result["refused"]!);

    [Fact]
    public async Task A_dry_run_counts_and_lists_the_matches_and_changes_nothing()
    {
        var tag = NewTag();
        var first = await StartAsync(server.Alice, Killed, tag, "KILLED");
        var second = await StartAsync(server.Alice, Killed, tag, "KILLED");

        var result = await BulkAsync(server.Alice, "retry", new JsonObject { ["tag"] = tag }, dryRun: true);

        Assert.Equal((2, 0, 0), Counts(result));
        Assert.True((bool)result["dryRun"]!);
        Assert.Equal([second, first], result["firstIds"]!.AsArray().Select(i => (string)i!));
        Assert.Equal(("KILLED", "KILLED"), (await StateAsync(first), await StateAsync(second)));
    }

    [Fact]
    public async Task Retry_by_tag_and_state_retries_the_matches_and_refuses_what_it_cannot_with_the_reason()
    {
        var tag = NewTag();
        var killed = await StartAsync(server.Alice, Killed, tag, "KILLED");
        var completed = await StartAsync(server.Alice, Done, tag, "COMPLETED");

        var byState = await BulkAsync(server.Alice, "retry", new JsonObject { ["tag"] = tag, ["state"] = "completed" }, dryRun: true);
        Assert.Equal([completed], byState["firstIds"]!.AsArray().Select(i => (string)i!));

        var result = await BulkAsync(server.Alice, "retry", new JsonObject { ["tag"] = tag });

        Assert.Equal((2, 1, 1), Counts(result));
        var refusal = result["refusals"]!.AsArray().Single()!;
        Assert.Equal(completed, (string?)refusal["id"]);
        Assert.Contains("COMPLETED", (string?)refusal["reason"], StringComparison.Ordinal);
        await ServerFixture.WaitForStateAsync(server.Alice, killed, "COMPLETED");
    }

    [Fact]
    public async Task Cancel_by_tag_cancels_the_waiting_flows()
    {
        var tag = NewTag();
        var a = await StartAsync(server.Alice, Waiting, tag, "WAITING");
        var b = await StartAsync(server.Alice, Waiting, tag, "WAITING");

        var result = await BulkAsync(server.Alice, "cancel", new JsonObject { ["tag"] = tag, ["createdAfter"] = "2000-01-01" });

        Assert.Equal((2, 2, 0), Counts(result));
        await ServerFixture.WaitForStateAsync(server.Alice, a, "CANCELLED");
        await ServerFixture.WaitForStateAsync(server.Alice, b, "CANCELLED");
    }

    [Fact]
    public async Task Delete_by_tag_deletes_finished_flows_and_refuses_a_waiting_one()
    {
        var tag = NewTag();
        var done = await StartAsync(server.Alice, Done, tag, "COMPLETED");
        var waiting = await StartAsync(server.Alice, Waiting, tag, "WAITING");

        var result = await BulkAsync(server.Alice, "delete", new JsonObject { ["tag"] = tag });

        Assert.Equal((2, 1, 1), Counts(result));
        Assert.Contains($"flow {waiting} is WAITING", (string?)result["refusals"]![0]!["reason"], StringComparison.Ordinal);
        await (await server.Alice.GetAsync($"/api/v1/flows/{done}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("WAITING", await StateAsync(waiting));
    }

    [Fact]
    public async Task A_non_admin_acts_on_their_own_flows_only_and_the_admin_on_all()
    {
        var tag = NewTag();
        var alices = await StartAsync(server.Alice, Done, tag, "COMPLETED");
        var bobs = await StartAsync(server.Bob, Done, tag, "COMPLETED");

        var all = await BulkAsync(server.Admin, "delete", new JsonObject { ["tag"] = tag }, dryRun: true);
        Assert.Equal((2, 0, 0), Counts(all));

        var result = await BulkAsync(server.Bob, "delete", new JsonObject { ["tag"] = tag });

        Assert.Equal((1, 1, 0), Counts(result));
        Assert.Equal([bobs], result["firstIds"]!.AsArray().Select(i => (string)i!));
        Assert.Equal("COMPLETED", await StateAsync(alices));
    }

    [Fact]
    public async Task The_error_filter_matches_the_error_text()
    {
        var tag = NewTag();
        var killed = await StartAsync(server.Alice, Killed, tag, "KILLED");
        await StartAsync(server.Alice, Done, tag, "COMPLETED");

        var result = await BulkAsync(server.Alice, "retry", new JsonObject { ["tag"] = tag, ["error"] = "ENOUGH" }, dryRun: true);

        Assert.Equal([killed], result["firstIds"]!.AsArray().Select(i => (string)i!));
    }

    [Theory]
    [InlineData("""{"action":"restart"}""", "action")]
    [InlineData("""{"filter":{}}""", "action")]
    [InlineData("""{"action":"retry","color":"red"}""", "color")]
    [InlineData("""{"action":"retry","dryRun":"yes"}""", "dryRun")]
    [InlineData("""{"action":"retry","filter":[]}""", "filter")]
    [InlineData("""{"action":"retry","filter":{"colour":"red"}}""", "filter.colour")]
    [InlineData("""{"action":"retry","filter":{"state":"ASLEEP"}}""", "filter.state")]
    [InlineData("""{"action":"retry","filter":{"version":2}}""", "filter.version")]
    [InlineData("""{"action":"retry","filter":{"routine":"r","version":"0"}}""", "filter.version")]
    [InlineData("""{"action":"retry","filter":{"tag":"a\u0007b"}}""", "filter.tag")]
    [InlineData("""{"action":"retry","filter":{"createdAfter":"yesterday"}}""", "filter.createdAfter")]
    [InlineData("""{"action":"retry","filter":{"createdBefore":"2026-13-45"}}""", "filter.createdBefore")]
    public async Task Bad_input_is_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var tag = NewTag();
        var killed = await StartAsync(server.Alice, Killed, tag, "KILLED");

        var problem = await (await server.Alice.PostJsonAsync("/api/v1/flows/bulk", body)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal("KILLED", await StateAsync(killed));
    }

    [Fact]
    public async Task Anonymous_callers_are_401()
    {
        await (await server.Anonymous.PostJsonAsync("/api/v1/flows/bulk", """{"action":"retry"}""")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
