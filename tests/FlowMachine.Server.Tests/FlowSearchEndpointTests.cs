using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary><c>GET /api/v1/flows</c> filters by tag, attribute, creation time and error; tags come with the start.</summary>
public sealed class FlowSearchEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Flows_started_with_tags_show_them_and_are_found_by_them()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        var body = new JsonObject { ["spec"] = "cfg: { tags: [from-spec] }\ntasks: [noop]", ["tags"] = new JsonArray(tag, "eu") };
        using var started = await server.Admin.PostJsonAsync("/api/v1/flows", body.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var flow = await started.ReadObjectAsync();
        Assert.Equal(["eu", "from-spec", tag], flow["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Empty(flow["attributes"]!.AsObject());
        using var untagged = await server.Admin.PostJsonAsync("/api/v1/flows", """{"spec":["noop"]}""");
        Assert.Equal(HttpStatusCode.Created, untagged.StatusCode);

        var id = (string)flow["id"]!;
        Assert.Equal([id], await IdsAsync($"/api/v1/flows?tag={tag}"));
        Assert.Equal([id], await IdsAsync($"/api/v1/flows?tag={tag}&createdAfter=2000-01-01&createdBefore=2999-01-01T00:00:00Z"));
        Assert.Empty(await IdsAsync($"/api/v1/flows?tag={tag}&createdAfter=2999-01-01"));
        Assert.Empty(await IdsAsync($"/api/v1/flows?tag={tag}&attr=customer%3D42"));
        Assert.Empty(await IdsAsync($"/api/v1/flows?tag={tag}&error=boom"));
        Assert.Empty(await IdsAsync($"/api/v1/flows?tag={tag}&state=FAILED"));

        // Other users do not see the admin's flows, whatever the filter.
        Assert.Empty(await IdsAsync($"/api/v1/flows?tag={tag}", server.Alice));
    }

    [Theory]
    [InlineData("/api/v1/flows?tags=vip", "tags")]
    [InlineData("/api/v1/flows?attribute=a%3D1", "attribute")]
    [InlineData("/api/v1/flows?createdAfter=yesterday", "createdAfter")]
    [InlineData("/api/v1/flows?createdBefore=2026-13-45", "createdBefore")]
    [InlineData("/api/v1/flows?createdAfter=2026-02-01&createdBefore=2026-01-01", "createdBefore")]
    [InlineData("/api/v1/flows?attr=customer", "attr")]
    [InlineData("/api/v1/flows?attr=cust%20omer%3D1", "attr")]
    public async Task Bad_filters_get_a_400_naming_them(string path, string field)
    {
        using var response = await server.Admin.GetAsync(new Uri(path, UriKind.Relative));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task A_too_long_tag_is_refused_in_the_filter_and_at_the_start()
    {
        var tag = new string('x', 65);
        using var list = await server.Admin.GetAsync(new Uri("/api/v1/flows?tag=" + tag, UriKind.Relative));
        Assert.NotNull((await list.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]?["tag"]);

        var before = await IdsAsync("/api/v1/flows?limit=500");
        using var start = await server.Admin.PostJsonAsync("/api/v1/flows", new JsonObject { ["spec"] = new JsonArray("noop"), ["tags"] = new JsonArray(tag) }.ToJsonString());
        Assert.Contains("more than the limit of 64", (await start.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]?["tags"]?.ToJsonString());
        Assert.Equal(before, await IdsAsync("/api/v1/flows?limit=500"));
    }

    private async Task<List<string>> IdsAsync(string path, HttpClient? client = null)
    {
        using var response = await (client ?? server.Admin).GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadObjectAsync())["items"]!.AsArray().Select(i => (string)i!["id"]!)];
    }
}
