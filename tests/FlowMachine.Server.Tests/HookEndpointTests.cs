using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>
/// <c>/api/v1/hooks</c>: creating, listing, reading, rotating and deleting webhooks; each user's own, every hook for an
/// administrator; the secret only in the answers to create and rotate; and the delivery route open without a key.
/// </summary>
public sealed class HookEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] CreatedFields = ["name", "action", "start", "event", "owner", "createdAt", "rotatedAt", "url", "secret"];

    [Fact]
    public async Task A_hook_is_created_listed_read_rotated_and_deleted_and_its_secret_is_shown_only_on_create_and_rotate()
    {
        await RoutineAsync(server.Alice);
        var name = NewName();

        using var created = await server.Alice.PostJsonAsync("/api/v1/hooks",
            $$$"""{"name":"{{{name}}}","start":{"routine":"hooked","input":{"order":"$body.order.id","first":"$body.items[0]","delivery":"$delivery"},"key":"$body.order.id"}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = await created.ReadObjectAsync();
        Assert.Equal(CreatedFields, hook.Select(p => p.Key));
        var url = new Uri(server.BaseAddress, $"/api/v1/hooks/{name}").ToString();
        Assert.Equal((name, "start", "alice", url), ((string?)hook["name"], (string?)hook["action"], (string?)hook["owner"], (string?)hook["url"]));
        Assert.Equal(url, created.Headers.Location?.ToString());
        Assert.Equal(("hooked", "$body.order.id", "$body.items[0]"), ((string?)hook["start"]!["routine"], (string?)hook["start"]!["key"], (string?)hook["start"]!["input"]!["first"]));
        Assert.Null(hook["event"]);
        Assert.Null(hook["rotatedAt"]);
        var secret = (string)hook["secret"]!;
        Assert.Matches("^[0-9a-f]{64}$", secret);

        // Read and listed: the same hook, never its secret.
        var read = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/hooks/{name}"))!;
        Assert.False(read.ContainsKey("secret"));
        Assert.Equal(CreatedFields[..^1], read.Select(p => p.Key));
        var createdAt = DateTimeOffset.Parse((string)hook["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(createdAt, DateTimeOffset.Parse((string)read["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture)); // the answer shows the stored millisecond
        var listed = Assert.Single((await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/hooks"))!["items"]!.AsArray(), h => (string?)h!["name"] == name)!;
        Assert.False(listed.AsObject().ContainsKey("secret"));
        Assert.DoesNotContain(secret, await server.Alice.GetStringAsync("/api/v1/hooks"), StringComparison.Ordinal);

        // Rotated: a new secret, shown in this answer only; the old one no longer signs.
        using var rotated = await server.Alice.PostJsonAsync($"/api/v1/hooks/{name}/rotate", "");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var fresh = await rotated.ReadObjectAsync();
        Assert.Equal(["name", "secret", "url"], fresh.Select(p => p.Key));
        var newSecret = (string)fresh["secret"]!;
        Assert.Matches("^[0-9a-f]{64}$", newSecret);
        Assert.NotEqual(secret, newSecret);
        Assert.Equal(url, (string?)fresh["url"]);
        var after = (await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/hooks/{name}"))!;
        Assert.NotNull(after["rotatedAt"]);
        Assert.False(after.ContainsKey("secret"));
        const string Body = """{"order":{"id":"R-1"},"items":["a"]}""";
        await (await DeliverAsync(server.Anonymous, name, secret, Body, "rot-1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var delivered = await DeliverAsync(server.Anonymous, name, newSecret, Body, "rot-1");
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);

        // Deleted: gone from reads, and its URL answers 401.
        Assert.Equal(HttpStatusCode.NoContent, (await server.Alice.DeleteAsync($"/api/v1/hooks/{name}")).StatusCode);
        await (await server.Alice.GetAsync($"/api/v1/hooks/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await server.Alice.DeleteAsync($"/api/v1/hooks/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await DeliverAsync(server.Anonymous, name, newSecret, Body, "rot-2")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_user_sees_and_manages_only_their_own_hooks_and_an_administrator_every_hook()
    {
        await RoutineAsync(server.Alice);
        var name = await CreateAsync(server.Alice, NewName());

        var notFound = await (await server.Bob.GetAsync($"/api/v1/hooks/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(name, (string?)notFound["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain((await server.Bob.GetFromJsonAsync<JsonObject>("/api/v1/hooks"))!["items"]!.AsArray(), h => (string?)h!["name"] == name);
        await (await server.Bob.PostJsonAsync($"/api/v1/hooks/{name}/rotate", "")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await server.Bob.DeleteAsync($"/api/v1/hooks/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Null((await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/hooks/{name}"))!["rotatedAt"]);

        // Names are shared by every user: Bob cannot take Alice's.
        await (await server.Bob.PostJsonAsync("/api/v1/hooks", $$$"""{"name":"{{{name}}}","event":{"name":"e","key":"$delivery"}}""")).AssertProblemAsync(HttpStatusCode.Conflict);

        var bobs = await CreateAsync(server.Bob, NewName(), "event", """{"name":"bob.event","key":"$body.id","value":"$body"}""");
        var all = (await server.Admin.GetFromJsonAsync<JsonObject>("/api/v1/hooks"))!["items"]!.AsArray().Select(h => (string?)h!["name"]).ToList();
        Assert.Contains(name, all);
        Assert.Contains(bobs, all);
        Assert.Equal("bob", (string?)(await server.Admin.GetFromJsonAsync<JsonObject>($"/api/v1/hooks/{bobs}"))!["owner"]);
        Assert.DoesNotContain((await server.Alice.GetFromJsonAsync<JsonObject>("/api/v1/hooks"))!["items"]!.AsArray(), h => (string?)h!["name"] == bobs);

        using var rotated = await server.Admin.PostJsonAsync($"/api/v1/hooks/{name}/rotate", "");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.DeleteAsync($"/api/v1/hooks/{name}")).StatusCode);
        await (await server.Alice.GetAsync($"/api/v1/hooks/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"name":"bad name","event":{"name":"e","key":"$delivery"}}""", "name")]
    [InlineData("""{"event":{"name":"e","key":"$delivery"}}""", "name")]
    [InlineData("""{"name":"NAME","start":{"routine":"hooked"},"event":{"name":"e","key":"$delivery"}}""", "start")]
    [InlineData("""{"name":"NAME"}""", "start")]
    [InlineData("""{"name":"NAME","start":{"routine":"no-such-routine"}}""", "start.routine")]
    [InlineData("""{"name":"NAME","start":{"routine":"hooked","input":{"order":"body.order"}}}""", "start.input.order")]
    [InlineData("""{"name":"NAME","start":{"routine":"hooked","key":"$input.order"}}""", "start.key")]
    [InlineData("""{"name":"NAME","event":{"key":"$delivery"}}""", "event.name")]
    [InlineData("""{"name":"NAME","event":{"name":"e"}}""", "event.key")]
    [InlineData("""{"name":"NAME","event":{"name":"e","key":"$body.items[x]"}}""", "event.key")]
    [InlineData("""{"name":"NAME","event":{"name":"e","key":"$delivery","value":"$bod"}}""", "event.value")]
    public async Task A_hook_that_is_not_valid_is_400_naming_the_field_and_is_not_stored(string body, string field)
    {
        await RoutineAsync(server.Alice);
        var name = NewName();

        var problem = await (await server.Alice.PostJsonAsync("/api/v1/hooks", body.Replace("NAME", name, StringComparison.Ordinal))).AssertProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected an error for {field}: {problem.ToJsonString()}");
        await (await server.Alice.GetAsync($"/api/v1/hooks/{name}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unknown_field_is_refused_and_a_taken_name_is_409()
    {
        var unknown = await (await server.Alice.PostJsonAsync("/api/v1/hooks", """{"name":"x","event":{"name":"e","key":"$delivery"},"secret":"mine"}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("secret", unknown.ToJsonString(), StringComparison.Ordinal);

        var name = await CreateAsync(server.Alice, NewName(), "event", """{"name":"e","key":"$delivery"}""");
        var conflict = await (await server.Alice.PostJsonAsync("/api/v1/hooks", $$$"""{"name":"{{{name}}}","event":{"name":"other","key":"$delivery"}}""")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(name, (string?)conflict["detail"], StringComparison.Ordinal);
        Assert.Equal("e", (string?)(await server.Alice.GetFromJsonAsync<JsonObject>($"/api/v1/hooks/{name}"))!["event"]!["name"]);
    }

    [Fact]
    public async Task Managing_hooks_needs_a_key_and_a_delivery_needs_none_but_a_signature()
    {
        await (await server.Anonymous.GetAsync("/api/v1/hooks")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await server.WrongKey.GetAsync("/api/v1/hooks")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await server.Anonymous.PostJsonAsync("/api/v1/hooks", """{"name":"anon","event":{"name":"e","key":"$delivery"}}""")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await RoutineAsync(server.Alice);
        using var created = await server.Alice.PostJsonAsync("/api/v1/hooks", $$$"""{"name":"{{{NewName()}}}","start":{"routine":"hooked","key":"$delivery"}}""");
        var hook = await created.ReadObjectAsync();
        var (name, secret) = ((string)hook["name"]!, (string)hook["secret"]!);

        // No key at all, and a key that is not valid: the signature is what counts.
        using var first = await DeliverAsync(server.Anonymous, name, secret, """{"n":1}""", "open-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = await first.ReadObjectAsync();
        Assert.Equal((name, "open-1", "start", true, "open-1"), ((string?)answer["hook"], (string?)answer["delivery"], (string?)answer["action"], (bool?)answer["created"], (string?)answer["key"]));
        var flow = await ServerFixture.WaitForStateAsync(server.Alice, (string)answer["flowId"]!, "COMPLETED");
        Assert.Equal(1, (int)flow["input"]!["n"]!);
        using var wrongKey = await DeliverAsync(server.WrongKey, name, secret, """{"n":2}""", "open-2");
        Assert.Equal(HttpStatusCode.OK, wrongKey.StatusCode);

        await (await DeliverAsync(server.Anonymous, name, null, """{"n":3}""", "open-3")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await DeliverAsync(server.Anonymous, "no-such-hook", secret, """{"n":3}""", "open-3")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var noDelivery = await (await DeliverAsync(server.Anonymous, name, secret, """{"n":3}""", null)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noDelivery["errors"]!.AsObject().ContainsKey("X-FlowMachine-Delivery"), noDelivery.ToJsonString());
    }

    internal static async Task<HttpResponseMessage> DeliverAsync(HttpClient client, string name, string? secret, string body, string? delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/hooks/{name}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Add("X-FlowMachine-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        }

        if (delivery is not null)
        {
            request.Headers.Add("X-FlowMachine-Delivery", delivery);
        }

        return await client.SendAsync(request);
    }

    private static string NewName() => "hook-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task RoutineAsync(HttpClient client)
    {
        using var saved = await client.PostJsonAsync("/api/v1/routines", """{"name":"hooked","spec":["noop"]}""");
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
    }

    private static async Task<string> CreateAsync(HttpClient client, string name, string action = "start", string definition = """{"routine":"hooked"}""")
    {
        using var created = await client.PostJsonAsync("/api/v1/hooks", $$"""{"name":"{{name}}","{{action}}":{{definition}}}""");
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return name;
    }
}
