using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flowmachine hooks add|list|rotate|delete</c> on a SQLite file: the API's documents, the URL as a path.</summary>
public sealed class HookCommandTests : IDisposable
{
    private static readonly string[] CreatedFields = ["name", "action", "start", "event", "owner", "createdAt", "rotatedAt", "url", "secret"];
    private static readonly string[] HookFields = ["name", "action", "start", "event", "owner", "createdAt", "rotatedAt", "url"];

    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Add_prints_the_secret_once_and_the_path_list_rotate_and_delete_follow()
    {
        await AddRoutineAsync("ship");

        var text = await cli.RunAsync("hooks", "add", "orders", "--start", "ship", "--input", "order=$body.order.id", "--key", "$body.order.id");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("hook orders added: each delivery starts routine ship (input order=$body.order.id; key $body.order.id)", text.Out, StringComparison.Ordinal);
        Assert.Matches("(?m)^secret  [0-9a-f]{64}$", text.Out);
        Assert.Contains("url     /api/v1/hooks/orders  (under the address the server is reached at)", text.Out, StringComparison.Ordinal);
        Assert.Contains("X-FlowMachine-Signature: sha256=", text.Out, StringComparison.Ordinal);

        var (added, created) = await cli.JsonAsync("hooks", "add", "packed", "--event", "shipment.packed", "--key", "$body.order", "--value", "$body");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(CreatedFields, created.AsObject().Select(p => p.Key));
        Assert.Equal(("packed", "event", "admin", "/api/v1/hooks/packed"), ((string?)created["name"], (string?)created["action"], (string?)created["owner"], (string?)created["url"]));
        Assert.Equal(("shipment.packed", "$body.order", "$body"), ((string?)created["event"]!["name"], (string?)created["event"]!["key"], (string?)created["event"]!["value"]));
        Assert.Null(created["start"]);
        Assert.Matches("^[0-9a-f]{64}$", (string?)created["secret"]);

        // The list never shows a secret; the start hook keeps its mapping.
        var (_, list) = await cli.JsonAsync("hooks", "list");
        var items = list["items"]!.AsArray();
        Assert.Equal(["orders", "packed"], items.Select(h => (string?)h!["name"]).Order(StringComparer.Ordinal));
        Assert.All(items, h => Assert.Equal(HookFields, h!.AsObject().Select(p => p.Key)));
        var orders = items.Single(h => (string?)h!["name"] == "orders")!;
        Assert.Equal(("ship", "$body.order.id", "$body.order.id"), ((string?)orders["start"]!["routine"], (string?)orders["start"]!["input"]!["order"], (string?)orders["start"]!["key"]));
        var table = await cli.RunAsync("hooks", "list");
        Assert.Contains("raises event shipment.packed with key $body.order and value $body", table.Out, StringComparison.Ordinal);
        Assert.Contains("/api/v1/hooks/orders", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain((string)created["secret"]!, table.Out + list.ToJsonString(), StringComparison.Ordinal);

        var (rotatedRun, rotated) = await cli.JsonAsync("hooks", "rotate", "packed");
        Assert.True(rotatedRun.ExitCode == 0, rotatedRun.ToString());
        Assert.Equal(["name", "secret", "url"], rotated.AsObject().Select(p => p.Key));
        Assert.Matches("^[0-9a-f]{64}$", (string?)rotated["secret"]);
        Assert.NotEqual((string?)created["secret"], (string?)rotated["secret"]);
        var (_, after) = await cli.JsonAsync("hooks", "list");
        Assert.NotNull(after["items"]!.AsArray().Single(h => (string?)h!["name"] == "packed")!["rotatedAt"]);
        var rotatedText = await cli.RunAsync("hooks", "rotate", "orders");
        Assert.Contains("hook orders: new secret; the old one no longer signs", rotatedText.Out, StringComparison.Ordinal);
        Assert.Matches("(?m)^secret  [0-9a-f]{64}$", rotatedText.Out);

        var (deleted, gone) = await cli.JsonAsync("hooks", "delete", "packed");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["name"] = "packed", ["deleted"] = true }, gone));
        Assert.Contains("hook orders deleted", (await cli.RunAsync("hooks", "delete", "orders")).Out, StringComparison.Ordinal);
        Assert.Contains("no hooks", (await cli.RunAsync("hooks", "list")).Out, StringComparison.Ordinal);
        Assert.Empty((await cli.JsonAsync("hooks", "list")).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task A_hook_belongs_to_the_user_named_by_as()
    {
        await cli.RunAsync("users", "add", "alice");
        var (added, created) = await cli.JsonAsync("hooks", "add", "alices", "--event", "e", "--key", "$delivery", "--as", "alice");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal("alice", (string?)created["owner"]);

        var ghost = await cli.RunAsync("hooks", "add", "ghosts", "--event", "e", "--key", "$delivery", "--as", "ghost");
        Assert.Equal(1, ghost.ExitCode);
        Assert.Contains("user 'ghost' (--as) does not exist", ghost.Err, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["--start", "ship", "--event", "e", "--key", "$delivery"], "give either --start ROUTINE or --event NAME, not both" },
        { [], "give --start ROUTINE (each delivery starts a flow) or --event NAME --key PATH" },
        { ["--event", "e"], "--event needs --key PATH" },
        { ["--event", "e", "--key", "order.id"], "--key 'order.id' is not a path: a path is $delivery, $body" },
        { ["--event", "e", "--key", "$body", "--value", "body"], "--value 'body' is not a path" },
        { ["--event", "e", "--key", "$body", "--input", "a=$body"], "--input applies to --start only" },
        { ["--start", "ship", "--key", "$body.items[x]"], "--key '$body.items[x]' is not a path" },
        { ["--start", "ship", "--input", "order"], "--input 'order' must look like key=PATH" },
        { ["--start", "ship", "--input", "order=$order"], "--input 'order=$order': '$order' is not a path" },
        { ["--start", "ship", "--input", "a=$body", "--input", "a=$delivery"], "--input names 'a' twice" },
        { ["--start", "ship", "--value", "$body"], "--value applies to --event only" },
        { ["--start", "no-such-routine"], "start.routine (--start): there is no routine named 'no-such-routine'" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_input_exits_1_naming_the_option_and_stores_nothing(string[] arguments, string says)
    {
        await AddRoutineAsync("ship");

        var result = await cli.RunAsync(["hooks", "add", "orders", .. arguments]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(says, result.Err, StringComparison.Ordinal);
        Assert.Empty((await cli.JsonAsync("hooks", "list")).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task A_taken_or_bad_name_and_a_missing_hook_exit_1()
    {
        Assert.Equal(0, (await cli.RunAsync("hooks", "add", "orders", "--event", "e", "--key", "$delivery")).ExitCode);

        var again = await cli.RunAsync("hooks", "add", "orders", "--event", "other", "--key", "$delivery");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("name (NAME): a hook named 'orders' exists", again.Err, StringComparison.Ordinal);
        var spaced = await cli.RunAsync("hooks", "add", "has space", "--event", "e", "--key", "$delivery");
        Assert.Equal(1, spaced.ExitCode);
        Assert.Contains("name (NAME): a hook name has", spaced.Err, StringComparison.Ordinal);
        Assert.Equal("e", (string?)Assert.Single((await cli.JsonAsync("hooks", "list")).Json["items"]!.AsArray())!["event"]!["name"]);

        foreach (var verb in new[] { "rotate", "delete" })
        {
            var missing = await cli.RunAsync("hooks", verb, "nothing");
            Assert.True(missing.ExitCode == 1, missing.ToString());
            Assert.Contains("hook 'nothing' does not exist", missing.Err, StringComparison.Ordinal);
        }
    }

    private async Task AddRoutineAsync(string name)
    {
        var added = await cli.RunAsync("routines", "add", name, cli.WriteSpec(name + ".yaml", "tasks: [test.One]\n"));
        Assert.True(added.ExitCode == 0, added.ToString());
    }
}
