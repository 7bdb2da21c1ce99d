using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Client.Tests.Support;
using FlowMachine.Hooks;
using Microsoft.AspNetCore.TestHost;

namespace FlowMachine.Client.Tests;

/// <summary>Webhooks through the client against the server on the ASP.NET test server: the API's answers and refusals, typed.</summary>
public sealed class HookClientTests(TestServerFixture server) : IClassFixture<TestServerFixture>
{
    [Fact]
    public async Task A_start_hook_is_created_with_its_secret_and_url_and_its_deliveries_start_flows()
    {
        var client = server.Client();
        var routine = await SaveRoutineAsync(client);
        var name = Name("orders");
        var created = await client.CreateHookAsync(new HookRequest(name, Start: new HookStart(routine, new Dictionary<string, string> { ["order"] = "$body.order.id" }, "$body.order.id")));
        Assert.Equal((name, "start", "admin"), (created.Name, created.Action, created.Owner));
        Assert.Equal(routine, created.Start!.Routine);
        Assert.Equal("$body.order.id", created.Start.Input!["order"]);
        Assert.Equal("$body.order.id", created.Start.Key);
        Assert.Null(created.Event);
        Assert.Null(created.RotatedAt);
        Assert.Equal($"http://localhost/api/v1/hooks/{name}", created.Url);
        Assert.Matches("^[0-9a-f]{64}$", created.Secret);

        // The secret the client got signs deliveries to the URL it got.
        var delivered = await DeliverAsync(created.Url, created.Secret, """{"order": {"id": "A-17"}}""");
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        var answer = JsonNode.Parse(await delivered.Content.ReadAsStringAsync())!;
        var flow = await client.GetAsync((string)answer["flowId"]!);
        Assert.Equal(routine, flow!.Flow.Routine);
        Assert.Equal("A-17", (string?)flow.Flow.Input!["order"]);
        Assert.Equal("A-17", flow.Flow.Key);

        var read = await client.GetHookAsync(name);
        Assert.Equal((name, "start", routine, "$body.order.id", created.Url), (read!.Name, read.Action, read.Start!.Routine, read.Start.Input!["order"], read.Url));
        Assert.Equal(created.CreatedAt, read.CreatedAt); // the answer shows the stored millisecond
        var listed = Assert.Single(await client.ListHooksAsync(), h => h.Name == name);
        Assert.Equal(("start", "admin", created.Url), (listed.Action, listed.Owner, listed.Url));
    }

    [Fact]
    public async Task An_event_hook_is_created_listed_rotated_and_deleted()
    {
        var client = server.Client();
        var name = Name("shipments");
        var created = await client.CreateHookAsync(new HookRequest(name, Event: new HookEvent("shipment.packed", "$body.order", "$body")));
        Assert.Equal("event", created.Action);
        Assert.Equal(new HookEvent("shipment.packed", "$body.order", "$body"), created.Event);
        Assert.Null(created.Start);

        var rotated = await client.RotateHookAsync(name);
        Assert.Equal((name, created.Url), (rotated.Name, rotated.Url));
        Assert.Matches("^[0-9a-f]{64}$", rotated.Secret);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.NotNull((await client.GetHookAsync(name))!.RotatedAt);

        // The old secret stops working at once; the new one signs.
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(created.Url, created.Secret, """{"order": "B-1"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(created.Url, rotated.Secret, """{"order": "B-1"}""")).StatusCode);

        await client.DeleteHookAsync(name);
        Assert.Null(await client.GetHookAsync(name));
        Assert.DoesNotContain(await client.ListHooksAsync(), h => h.Name == name);
        await Assert.ThrowsAsync<FlowMachineNotFoundException>(() => client.DeleteHookAsync(name));
        await Assert.ThrowsAsync<FlowMachineNotFoundException>(() => client.RotateHookAsync(name));
    }

    [Fact]
    public async Task Refusals_are_typed_exceptions_naming_the_field()
    {
        var client = server.Client();
        var routine = await SaveRoutineAsync(client);
        var name = Name("refused");
        await client.CreateHookAsync(new HookRequest(name, Start: new HookStart(routine)));

        var taken = await Assert.ThrowsAsync<FlowMachineConflictException>(() => client.CreateHookAsync(new HookRequest(name, Start: new HookStart(routine))));
        Assert.Contains(name, taken.Problem.Detail, StringComparison.Ordinal);

        var both = await Assert.ThrowsAsync<FlowMachineValidationException>(() =>
            client.CreateHookAsync(new HookRequest(Name("both"), new HookStart(routine), new HookEvent("e", "$delivery"))));
        Assert.Contains("start", both.Problem.Errors.Keys);
        var neither = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.CreateHookAsync(new HookRequest(Name("neither"))));
        Assert.Contains("start", neither.Problem.Errors.Keys);
        var badName = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.CreateHookAsync(new HookRequest("no spaces", Start: new HookStart(routine))));
        Assert.Contains("name", badName.Problem.Errors.Keys);
        var badPath = await Assert.ThrowsAsync<FlowMachineValidationException>(() =>
            client.CreateHookAsync(new HookRequest(Name("path"), Start: new HookStart(routine, Key: "order.id"))));
        Assert.Contains("start.key", badPath.Problem.Errors.Keys);
        var noKey = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.CreateHookAsync(new HookRequest(Name("nokey"), Event: new HookEvent("e", null))));
        Assert.Contains("event.key", noKey.Problem.Errors.Keys);
        var noRoutine = await Assert.ThrowsAsync<FlowMachineValidationException>(() =>
            client.CreateHookAsync(new HookRequest(Name("routine"), Start: new HookStart("no-such-routine"))));
        Assert.Contains("start.routine", noRoutine.Problem.Errors.Keys);

        Assert.Null(await client.GetHookAsync("no-such-hook"));
        await Assert.ThrowsAsync<FlowMachineUnauthorizedException>(() => server.Client("fm_never-issued").ListHooksAsync());
    }

    [Fact]
    public async Task A_user_sees_and_manages_only_their_own_hooks()
    {
        var admin = server.Client();
        var alice = server.Client(server.AliceKey);
        var adminHook = Name("admins");
        var aliceHook = Name("alices");
        await admin.CreateHookAsync(new HookRequest(adminHook, Event: new HookEvent("e", "$delivery")));
        var created = await alice.CreateHookAsync(new HookRequest(aliceHook, Event: new HookEvent("e", "$delivery")));
        Assert.Equal("alice", created.Owner);

        var mine = await alice.ListHooksAsync();
        Assert.Contains(mine, h => h.Name == aliceHook);
        Assert.All(mine, h => Assert.Equal("alice", h.Owner));
        Assert.Null(await alice.GetHookAsync(adminHook));
        await Assert.ThrowsAsync<FlowMachineNotFoundException>(() => alice.RotateHookAsync(adminHook));
        await Assert.ThrowsAsync<FlowMachineNotFoundException>(() => alice.DeleteHookAsync(adminHook));

        var all = await admin.ListHooksAsync();
        Assert.Contains(all, h => h.Name == adminHook);
        Assert.Contains(all, h => h.Name == aliceHook && h.Owner == "alice");
        Assert.Equal(all.Select(h => h.Name).Order(StringComparer.Ordinal), all.Select(h => h.Name));
    }

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static async Task<string> SaveRoutineAsync(IFlowMachineClient client)
    {
        var name = Name("hooked");
        await client.SaveRoutineAsync(name, JsonNode.Parse("""{"tasks": ["test.One"]}""")!);
        return name;
    }

    private async Task<HttpResponseMessage> DeliverAsync(string url, string secret, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(HookProtocol.SignatureHeader, HookProtocol.Sign(secret, bytes));
        request.Headers.Add(HookProtocol.DeliveryHeader, Guid.NewGuid().ToString("N"));
        return await server.App.GetTestClient().SendAsync(request);
    }
}
