using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Client.Tests.Support;

namespace FlowMachine.Cli.Tests;

/// <summary>
/// Events by correlation key over real HTTP against a <c>flowmachine serve</c> process: raised before and after the flows
/// wait, to several flows at once, with a repeated id, for another user's flows; and <c>flowmachine events raise</c>.
/// </summary>
public sealed class KeyedEventServeTests(ServeProcess serve) : IClassFixture<ServeProcess>
{
    private static readonly JsonNode Spec = JsonNode.Parse("""
        { "tasks": [
            { "key": "packed", "task_type": "wait", "task_params": { "event": "shipment.packed", "key": "$input.order" } },
            { "key": "after", "task_type": "noop" } ] }
        """)!;

    private string Url => serve.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task One_raise_reaches_every_waiting_flow_of_its_owner_once_and_early_events_are_kept()
    {
        var alice = await UserAsync("ev-alice");
        var bob = await UserAsync("ev-bob");
        var mine = new[] { await StartAsync(alice, "K-1"), await StartAsync(alice, "K-1") };
        var bobs = await StartAsync(bob, "K-1");
        foreach (var id in mine.Append(bobs))
        {
            await WaitForStateAsync(id == bobs ? bob : alice, id, "WAITING");
        }

        // Alice's event reaches both of her flows, not Bob's; its value becomes the step's result.
        var raised = await RaiseAsync(alice, "shipment.packed", new { key = "K-1", value = new { box = 7 }, id = "evt-1" });
        Assert.Equal(HttpStatusCode.OK, raised.Status);
        Assert.Equal(2, (int)raised.Body["reached"]!);
        Assert.False((bool)raised.Body["duplicate"]!);
        foreach (var id in mine)
        {
            var done = await WaitForStateAsync(alice, id, "COMPLETED");
            Assert.Equal(7, (int)done["steps"]!.AsArray().Single(s => (string?)s!["key"] == "packed")!["result"]!["box"]!);
        }

        // The same id again: a duplicate that reaches nothing, even a flow that waits now.
        var later = await StartAsync(alice, "K-1-later");
        await WaitForStateAsync(alice, later, "WAITING");
        var again = await RaiseAsync(alice, "shipment.packed", new { key = "K-1-later", id = "evt-1" });
        Assert.True((bool)again.Body["duplicate"]!);
        Assert.Equal(0, (int)again.Body["reached"]!);
        Assert.Equal("WAITING", (string?)(await GetAsync(alice, later))["state"]);

        // Raised before any flow waits: kept, and a flow that waits later completes at once.
        var early = await RaiseAsync(alice, "shipment.packed", new { key = "K-2", value = "early" });
        Assert.Equal(0, (int)early.Body["reached"]!);
        var done2 = await WaitForStateAsync(alice, await StartAsync(alice, "K-2"), "COMPLETED");
        Assert.Equal("early", (string?)done2["steps"]![0]!["result"]);

        // Bob's flow still waits: only the administrator's event (here through the CLI) reaches it.
        Assert.Equal("WAITING", (string?)(await GetAsync(bob, bobs))["state"]);
        var cli = await CliAsync("events", "raise", "shipment.packed", "--key", "K-1", "--value", "\"admin\"", "--json", "--server", Url, "--api-key", ServeProcess.AdminKey);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal(1, (int)JsonNode.Parse(cli.Out)!["reached"]!);
        await WaitForStateAsync(bob, bobs, "COMPLETED");
    }

    [Fact]
    public async Task A_raise_without_a_key_is_a_problem_and_the_cli_raises_on_the_database_too()
    {
        var missing = await RaiseAsync(ServeProcess.AdminKey, "shipment.packed", new { value = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.NotNull(missing.Body["errors"]!["key"]);

        var local = await CliAsync("events", "raise", "nothing.waits", "--key", "k", "--db", serve.DbPath);
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Contains("reached 0 waiting flow(s)", local.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_list_shows_the_kept_events_and_waiting_flows_of_the_keys_user_on_a_server_and_everything_on_the_database()
    {
        var carol = await UserAsync("ev-carol");
        var waiting = await StartAsync(carol, "L-1");
        await WaitForStateAsync(carol, waiting, "WAITING");
        await RaiseAsync(carol, "list.kept", new { key = "L-2", value = new { n = 3 }, id = "list-msg" });

        var remote = await CliAsync("events", "list", "--key", "L-2", "--json", "--server", Url, "--api-key", carol);
        Assert.True(remote.ExitCode == 0, remote.ToString());
        var kept = Assert.Single(JsonNode.Parse(remote.Out)!["kept"]!.AsArray())!;
        Assert.Equal(("list.kept", "L-2", 3, "list-msg", "ev-carol"), ((string?)kept["name"], (string?)kept["key"], (int)kept["value"]!["n"]!, (string?)kept["id"], (string?)kept["owner"]));
        Assert.Empty(JsonNode.Parse(remote.Out)!["waiting"]!.AsArray());

        var table = await CliAsync("events", "list", "--name", "shipment.packed", "--key", "L-1", "--server", Url, "--api-key", carol);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(waiting, table.Out, StringComparison.Ordinal);
        Assert.Contains("no kept events", table.Out, StringComparison.Ordinal);

        // Another user's key sees none of it; the database (no server) sees everything.
        var other = await CliAsync("events", "list", "--key", "L-2", "--json", "--server", Url, "--api-key", await UserAsync("ev-dave"));
        Assert.Empty(JsonNode.Parse(other.Out)!["kept"]!.AsArray());
        var local = await CliAsync("events", "list", "--name", "shipment.packed", "--key", "L-1", "--json", "--db", serve.DbPath);
        Assert.True(local.ExitCode == 0, local.ToString());
        var wait = Assert.Single(JsonNode.Parse(local.Out)!["waiting"]!.AsArray())!;
        Assert.Equal((waiting, "packed", "ev-carol"), ((string?)wait["flowId"], (string?)wait["stepKey"], (string?)wait["owner"]));

        var refused = await CliAsync("events", "list", "--limit", "0", "--db", serve.DbPath);
        Assert.NotEqual(0, refused.ExitCode);
    }

    private async Task<string> StartAsync(string key, string order)
    {
        using var http = Http(key);
        using var response = await http.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["spec"] = Spec.DeepClone(), ["input"] = new JsonObject { ["order"] = order } });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return (string)body["id"]!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> RaiseAsync(string key, string name, object body)
    {
        using var http = Http(key);
        using var response = await http.PostAsJsonAsync("/api/v1/events/" + name, body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private Task<string> UserAsync(string name) => serve.UserAsync(name);

    private HttpClient Http(string key) => serve.Http(key);

    private Task<JsonNode> GetAsync(string key, string id) => serve.GetFlowAsync(key, id);

    private Task<JsonNode> WaitForStateAsync(string owner, string id, string state) => serve.WaitForStateAsync(owner, id, state);

    private static Task<CliResult> CliAsync(params string[] args) => ServeUsers.CliAsync(args);
}
