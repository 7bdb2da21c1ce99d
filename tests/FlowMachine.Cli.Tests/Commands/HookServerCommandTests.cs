using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Client.Tests.Support;
using FlowMachine.Hooks;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary>
/// <c>flowmachine hooks …</c> with <c>--server</c> against a real <c>flowmachine serve</c>: the API key's user's hooks, the
/// server's URL, the same documents as on the database; and the secret printed signs deliveries the server accepts.
/// </summary>
public sealed class HookServerCommandTests(ServeProcess serve) : IClassFixture<ServeProcess>
{
    private string Url => serve.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task Add_prints_the_servers_url_and_a_secret_that_signs_deliveries_starting_flows()
    {
        var routine = await RoutineAsync();
        var (added, created) = await JsonAsync(ServeProcess.AdminKey, "hooks", "add", "orders-remote", "--start", routine, "--input", "order=$body.order.id", "--key", "$body.order.id");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(["name", "action", "start", "event", "owner", "createdAt", "rotatedAt", "url", "secret"], created.AsObject().Select(p => p.Key));
        Assert.Equal(($"{Url}/api/v1/hooks/orders-remote", "admin", "start"), ((string?)created["url"], (string?)created["owner"], (string?)created["action"]));
        Assert.Equal("$body.order.id", (string?)created["start"]!["input"]!["order"]);

        var (status, answer) = await DeliverAsync((string)created["url"]!, (string)created["secret"]!, """{"order": {"id": "R-1"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var (shown, flow) = await JsonAsync(ServeProcess.AdminKey, "flows", "show", (string)answer["flowId"]!);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal(("R-1", "R-1", routine), ((string?)flow["key"], (string?)flow["input"]!["order"], (string?)flow["routine"]));

        var text = await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "packed-remote", "--event", "shipment.packed", "--key", "$body.order");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("hook packed-remote added: each delivery raises event shipment.packed with key $body.order", text.Out, StringComparison.Ordinal);
        Assert.Contains($"url     {Url}/api/v1/hooks/packed-remote{Environment.NewLine}", text.Out, StringComparison.Ordinal);
        Assert.Matches("(?m)^secret  [0-9a-f]{64}$", text.Out);
    }

    [Fact]
    public async Task Rotate_and_delete_through_the_server_and_the_old_secret_stops_signing()
    {
        var (_, created) = await JsonAsync(ServeProcess.AdminKey, "hooks", "add", "rotating", "--event", "e.rotate", "--key", "$delivery");
        var (rotatedRun, rotated) = await JsonAsync(ServeProcess.AdminKey, "hooks", "rotate", "rotating");
        Assert.True(rotatedRun.ExitCode == 0, rotatedRun.ToString());
        Assert.Equal(["name", "secret", "url"], rotated.AsObject().Select(p => p.Key));
        Assert.Equal((string?)created["url"], (string?)rotated["url"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync((string)created["url"]!, (string)created["secret"]!, "{}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync((string)created["url"]!, (string)rotated["secret"]!, "{}")).Status);

        var (deleted, gone) = await JsonAsync(ServeProcess.AdminKey, "hooks", "delete", "rotating");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["name"] = "rotating", ["deleted"] = true }, gone));
        var again = await RemoteAsync(ServeProcess.AdminKey, "hooks", "delete", "rotating");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("there is no hook named 'rotating'", again.Err, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync((string)created["url"]!, (string)rotated["secret"]!, "{}")).Status);
    }

    [Fact]
    public async Task A_user_lists_and_manages_only_their_own_hooks_and_the_database_sees_all()
    {
        var alice = await UserAsync("hk-alice");
        Assert.Equal(0, (await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "admins-hook", "--event", "e", "--key", "$delivery")).ExitCode);
        var (added, mine) = await JsonAsync(alice, "hooks", "add", "alices-hook", "--event", "e", "--key", "$delivery");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal("hk-alice", (string?)mine["owner"]);

        var (_, hers) = await JsonAsync(alice, "hooks", "list");
        Assert.Equal(["alices-hook"], hers["items"]!.AsArray().Select(h => (string?)h!["name"]));
        var (_, all) = await JsonAsync(ServeProcess.AdminKey, "hooks", "list");
        Assert.Contains(all["items"]!.AsArray(), h => (string?)h!["name"] == "admins-hook");
        Assert.Contains(all["items"]!.AsArray(), h => (string?)h!["name"] == "alices-hook" && (string?)h["url"] == $"{Url}/api/v1/hooks/alices-hook");
        foreach (var verb in new[] { "rotate", "delete" })
        {
            var refused = await RemoteAsync(alice, "hooks", verb, "admins-hook");
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains("there is no hook named 'admins-hook'", refused.Err, StringComparison.Ordinal);
        }

        // The database's list is the server's, with paths for URLs and the same fields.
        var local = await CliAsync("hooks", "list", "--json", "--db", serve.DbPath);
        var items = JsonNode.Parse(local.Out)!["items"]!.AsArray();
        var alices = items.Single(h => (string?)h!["name"] == "alices-hook")!;
        Assert.Equal("/api/v1/hooks/alices-hook", (string?)alices["url"]);
        Assert.Equal(all["items"]!.AsArray()[0]!.AsObject().Select(p => p.Key), alices.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_hook_added_on_the_database_takes_deliveries_on_the_server()
    {
        var local = await CliAsync("hooks", "add", "local-hook", "--event", "e.local", "--key", "$body.id", "--json", "--db", serve.DbPath);
        Assert.True(local.ExitCode == 0, local.ToString());
        var created = JsonNode.Parse(local.Out)!;
        Assert.Equal("/api/v1/hooks/local-hook", (string?)created["url"]);

        var (status, answer) = await DeliverAsync(Url + (string)created["url"]!, (string)created["secret"]!, """{"id": 7}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("e.local", "7"), ((string?)answer["event"], (string?)answer["key"]));
    }

    [Fact]
    public async Task The_servers_refusals_name_the_option()
    {
        var unknown = await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "refused", "--start", "no-such-routine");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("start.routine (--start): there is no routine named 'no-such-routine'", unknown.Err, StringComparison.Ordinal);

        var spaced = await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "has space", "--event", "e", "--key", "$delivery");
        Assert.Equal(1, spaced.ExitCode);
        Assert.Contains("name (NAME): a hook name has", spaced.Err, StringComparison.Ordinal);

        Assert.Equal(0, (await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "taken", "--event", "e", "--key", "$delivery")).ExitCode);
        var taken = await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "taken", "--event", "e", "--key", "$delivery");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("a hook named 'taken' exists", taken.Err, StringComparison.Ordinal);

        var owner = await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "owned", "--event", "e", "--key", "$delivery", "--as", "admin");
        Assert.Equal(1, owner.ExitCode);
        Assert.Contains("--as does not apply with --server", owner.Err, StringComparison.Ordinal);

        var missingKey = await RemoteAsync(ServeProcess.AdminKey, "hooks", "add", "nokey", "--event", "e");
        Assert.Equal(1, missingKey.ExitCode);
        Assert.Contains("--event needs --key PATH", missingKey.Err, StringComparison.Ordinal);
        var (_, all) = await JsonAsync(ServeProcess.AdminKey, "hooks", "list");
        Assert.DoesNotContain(all["items"]!.AsArray(), h => (string?)h!["name"] is "refused" or "owned" or "nokey");
    }

    private async Task<string> RoutineAsync()
    {
        var name = "hooked-" + Guid.NewGuid().ToString("N")[..8];
        var added = await RemoteAsync(ServeProcess.AdminKey, "routines", "add", name, CliFixture.Spec("seed000.yaml"));
        Assert.True(added.ExitCode == 0, added.ToString());
        return name;
    }

    private async Task<string> UserAsync(string name)
    {
        var added = await CliAsync("users", "add", name, "--json", "--db", serve.DbPath);
        Assert.True(added.ExitCode == 0, added.ToString());
        return (string)JsonNode.Parse(added.Out)!["key"]!;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> DeliverAsync(string url, string secret, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(HookProtocol.SignatureHeader, HookProtocol.Sign(secret, bytes));
        request.Headers.Add(HookProtocol.DeliveryHeader, Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    private async Task<(CliResult Result, JsonNode Json)> JsonAsync(string key, params string[] args)
    {
        var result = await RemoteAsync(key, [.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result, JsonNode.Parse(result.Out)!);
    }

    private Task<CliResult> RemoteAsync(string key, params string[] args) => CliAsync([.. args, "--server", Url, "--api-key", key]);

    private static async Task<CliResult> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
