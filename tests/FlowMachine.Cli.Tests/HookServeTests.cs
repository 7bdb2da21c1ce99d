using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Client.Tests.Support;

namespace FlowMachine.Cli.Tests;

/// <summary>
/// Signed webhooks over real HTTP against a <c>flowmachine serve</c> process: a hook starting a flow, a redelivery, a wrong
/// and a missing signature, a body missing a mapped path, a replayed request under another delivery id, and a hook
/// raising an event by key. The test signs each body itself (HMAC-SHA256 of the raw bytes), so it checks the protocol.
/// </summary>
public sealed class HookServeTests(ServeProcess serve) : IClassFixture<ServeProcess>
{
    private static readonly JsonNode Waits = JsonNode.Parse("""
        { "tasks": [
            { "key": "settled", "task_type": "wait", "task_params": { "event": "payment.settled", "key": "$input.order" } },
            { "key": "after", "task_type": "noop" } ] }
        """)!;

    [Fact]
    public async Task A_hook_starts_a_flow_that_completes_and_a_redelivery_gets_the_first_answer_and_starts_nothing()
    {
        var alice = await serve.UserAsync("hk-alice");
        var routine = await RoutineAsync(alice);
        var (name, secret) = await HookAsync(alice, new JsonObject
        {
            ["start"] = new JsonObject { ["routine"] = routine, ["input"] = new JsonObject { ["order"] = "$body.order.id", ["first"] = "$body.items[0]", ["delivery"] = "$delivery" } },
        });
        const string Body = """{"order":{"id":"A-1042","total":12.5},"items":["book","pen"]}""";

        var first = await DeliverAsync(name, Body, Sign(secret, Body), "dlv-1");
        Assert.True(first.Status == HttpStatusCode.OK, first.Text);
        Assert.False(first.Redelivery);
        var answer = JsonNode.Parse(first.Text)!;
        Assert.Equal((name, "dlv-1", "start", true), ((string?)answer["hook"], (string?)answer["delivery"], (string?)answer["action"], (bool?)answer["created"]));
        var flow = await serve.WaitForStateAsync(alice, (string)answer["flowId"]!, "COMPLETED");
        Assert.Equal("hk-alice", (string?)flow["owner"]);
        Assert.Equal(("A-1042", "book", "dlv-1"), ((string?)flow["input"]!["order"], (string?)flow["input"]!["first"], (string?)flow["input"]!["delivery"]));

        // The sender did not hear the answer and sends the same delivery again: the same answer, no second flow.
        var again = await DeliverAsync(name, Body, Sign(secret, Body), "dlv-1");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Redelivery);
        Assert.Equal(first.Text, again.Text);
        Assert.Single(await FlowsAsync(alice, routine));
    }

    [Fact]
    public async Task A_wrong_or_missing_signature_is_401_and_stores_nothing_so_the_same_delivery_id_later_works()
    {
        var bob = await serve.UserAsync("hk-bob");
        var routine = await RoutineAsync(bob);
        var (name, secret) = await HookAsync(bob, new JsonObject { ["start"] = new JsonObject { ["routine"] = routine } });
        const string Body = """{"order":{"id":"B-7"}}""";
        var otherSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        var refusals = new[]
        {
            await DeliverAsync(name, Body, Sign(otherSecret, Body), "dlv-sig"),
            await DeliverAsync(name, Body, Sign(secret, """{"order":{"id":"B-8"}}"""), "dlv-sig"),
            await DeliverAsync(name, Body, Sign(secret, Body).ToUpperInvariant().Replace("SHA256=", "sha1=", StringComparison.Ordinal), "dlv-sig"),
            await DeliverAsync(name, Body, null, "dlv-sig"),
            await DeliverAsync("hk-no-such-hook", Body, Sign(secret, Body), "dlv-sig"),
        };
        foreach (var refused in refusals)
        {
            Assert.True(refused.Status == HttpStatusCode.Unauthorized, refused.Text);
            Assert.Equal(401, (int)JsonNode.Parse(refused.Text)!["status"]!);
        }

        Assert.Empty(await FlowsAsync(bob, routine));

        // The refused deliveries left no trace: the same id, signed, is a first delivery.
        var signed = await DeliverAsync(name, Body, Sign(secret, Body), "dlv-sig");
        Assert.True(signed.Status == HttpStatusCode.OK, signed.Text);
        Assert.False(signed.Redelivery);
        Assert.True((bool)JsonNode.Parse(signed.Text)!["created"]!);
        await serve.WaitForStateAsync(bob, (string)JsonNode.Parse(signed.Text)!["flowId"]!, "COMPLETED");
        Assert.Single(await FlowsAsync(bob, routine));
    }

    [Fact]
    public async Task A_body_missing_a_mapped_path_is_400_naming_the_path_and_starts_nothing()
    {
        var carol = await serve.UserAsync("hk-carol");
        var routine = await RoutineAsync(carol);
        var (name, secret) = await HookAsync(carol, new JsonObject
        {
            ["start"] = new JsonObject { ["routine"] = routine, ["input"] = new JsonObject { ["order"] = "$body.order.id", ["sku"] = "$body.items[2].sku" } },
        });
        const string Body = """{"order":{"number":"C-1"},"items":[{"sku":"a"}]}""";

        var refused = await DeliverAsync(name, Body, Sign(secret, Body), "dlv-path");

        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.Text);
        var problem = JsonNode.Parse(refused.Text)!;
        var missing = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.True(missing is ["$body.order.id"] or ["$body.items[2].sku"], refused.Text);
        Assert.Contains(missing[0], (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(await FlowsAsync(carol, routine));
    }

    [Fact]
    public async Task A_captured_request_replayed_under_another_delivery_id_starts_no_second_flow_when_the_key_comes_from_the_body()
    {
        var dave = await serve.UserAsync("hk-dave");
        var routine = await RoutineAsync(dave);
        var (name, secret) = await HookAsync(dave, new JsonObject { ["start"] = new JsonObject { ["routine"] = routine, ["key"] = "$body.order.id" } });
        const string Body = """{"order":{"id":"D-1"}}""";
        var signature = Sign(secret, Body);

        var first = await DeliverAsync(name, Body, signature, "dlv-orig");
        var replay = await DeliverAsync(name, Body, signature, "dlv-replay");

        Assert.True(first.Status == HttpStatusCode.OK, first.Text);
        Assert.True(replay.Status == HttpStatusCode.OK, replay.Text);
        var (original, replayed) = (JsonNode.Parse(first.Text)!, JsonNode.Parse(replay.Text)!);
        Assert.Equal((true, "D-1"), ((bool?)original["created"], (string?)original["key"]));
        Assert.Equal((false, "D-1", "dlv-replay"), ((bool?)replayed["created"], (string?)replayed["key"], (string?)replayed["delivery"]));
        Assert.False(replay.Redelivery);
        Assert.Equal((string?)original["flowId"], (string?)replayed["flowId"]);
        Assert.Single(await FlowsAsync(dave, routine));
    }

    [Fact]
    public async Task An_event_hook_raises_a_keyed_event_that_resumes_the_flow_waiting_on_that_key()
    {
        var erin = await serve.UserAsync("hk-erin");
        var waiting = await StartWaitingAsync(erin, "P-7");
        var other = await StartWaitingAsync(erin, "P-8");
        var (name, secret) = await HookAsync(erin, new JsonObject
        {
            ["event"] = new JsonObject { ["name"] = "payment.settled", ["key"] = "$body.payment.order", ["value"] = "$body.payment" },
        });
        const string Body = """{"payment":{"order":"P-7","amount":12}}""";

        var delivered = await DeliverAsync(name, Body, Sign(secret, Body), "dlv-event");

        Assert.True(delivered.Status == HttpStatusCode.OK, delivered.Text);
        var answer = JsonNode.Parse(delivered.Text)!;
        Assert.Equal(("event", "payment.settled", "P-7", 1), ((string?)answer["action"], (string?)answer["event"], (string?)answer["key"], (int?)answer["reached"]));
        Assert.Null(answer["flowId"]);
        var done = await serve.WaitForStateAsync(erin, waiting, "COMPLETED");
        Assert.Equal(12, (int)done["steps"]!.AsArray().Single(s => (string?)s!["key"] == "settled")!["result"]!["amount"]!);
        Assert.Equal("WAITING", (string?)(await serve.GetFlowAsync(erin, other))["state"]);
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes.</summary>
    private static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private async Task<(HttpStatusCode Status, string Text, bool Redelivery)> DeliverAsync(string name, string body, string? signature, string delivery)
    {
        using var http = new HttpClient { BaseAddress = serve.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/hooks/{name}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.Add("X-FlowMachine-Signature", signature);
        }

        request.Headers.Add("X-FlowMachine-Delivery", delivery);
        using var response = await http.SendAsync(request);
        var redelivery = response.Headers.TryGetValues("X-FlowMachine-Redelivery", out var values) && values.Single() == "true";
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), redelivery);
    }

    private async Task<(string Name, string Secret)> HookAsync(string key, JsonObject action)
    {
        action["name"] = "hk-" + Guid.NewGuid().ToString("N")[..10];
        using var http = serve.Http(key);
        using var response = await http.PostAsJsonAsync("/api/v1/hooks", action);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal(new Uri(serve.BaseAddress, $"/api/v1/hooks/{action["name"]}").ToString(), (string?)body["url"]);
        return ((string)body["name"]!, (string)body["secret"]!);
    }

    private async Task<string> RoutineAsync(string key)
    {
        var name = "hk-routine-" + Guid.NewGuid().ToString("N")[..8];
        using var http = serve.Http(key);
        using var response = await http.PostAsJsonAsync("/api/v1/routines", new JsonObject { ["name"] = name, ["spec"] = new JsonArray("noop") });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return name;
    }

    private async Task<JsonArray> FlowsAsync(string key, string routine)
    {
        using var http = serve.Http(key);
        return JsonNode.Parse(await http.GetStringAsync($"/api/v1/flows?routine={routine}"))!["items"]!.AsArray();
    }

    private async Task<string> StartWaitingAsync(string key, string order)
    {
        using var http = serve.Http(key);
        using var response = await http.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["spec"] = Waits.DeepClone(), ["input"] = new JsonObject { ["order"] = order } });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        var id = (string)body["id"]!;
        await serve.WaitForStateAsync(key, id, "WAITING");
        return id;
    }
}
