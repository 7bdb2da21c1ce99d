using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>users list | rotate | revoke</c> on the local database, checked against the keys a server would accept.</summary>
public sealed partial class UsersKeyTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Users_list_shows_names_roles_and_key_prefixes_never_keys()
    {
        var empty = await cli.RunAsync("users", "list");
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Contains("No users yet", empty.Out, StringComparison.Ordinal);

        var (_, alice) = await cli.JsonAsync("users", "add", "alice");
        var (_, root) = await cli.JsonAsync("users", "add", "root", "--admin");
        var aliceKey = (string)alice["key"]!;

        var table = await cli.RunAsync("users", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"alice\s+user\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+" + Regex.Escape(aliceKey[..8]) + "…", table.Out);
        Assert.Matches(@"root\s+admin", table.Out);
        Assert.DoesNotContain(aliceKey, table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain((string)root["key"]!, table.Out, StringComparison.Ordinal);

        var (listed, json) = await cli.JsonAsync("users", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var users = json.AsArray();
        Assert.Equal(["alice", "root"], users.Select(u => (string)u!["name"]!));
        Assert.Equal([false, true], users.Select(u => (bool)u!["admin"]!));
        Assert.Equal(aliceKey[..8], (string)users[0]!["keys"]![0]!);
        Assert.NotNull(users[0]!["createdAt"]);
        Assert.DoesNotContain(aliceKey, listed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_prints_a_new_key_once_and_the_old_one_stops_working()
    {
        var (_, added) = await cli.JsonAsync("users", "add", "alice");
        var oldKey = (string)added["key"]!;

        var rotated = await cli.RunAsync("users", "rotate", "alice");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var newKey = KeyPattern().Match(rotated.Out).Value;
        Assert.NotEqual(oldKey, newKey);
        Assert.Contains("shown only this once", rotated.Out, StringComparison.Ordinal);
        Assert.Null(await AuthenticateAsync(oldKey));
        Assert.Equal("alice", await AuthenticateAsync(newKey));

        var (again, json) = await cli.JsonAsync("users", "rotate", "alice");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Null(await AuthenticateAsync(newKey));
        Assert.Equal("alice", await AuthenticateAsync((string)json["key"]!));

        var missing = await cli.RunAsync("users", "rotate", "nobody");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("user 'nobody' does not exist", missing.Err, StringComparison.Ordinal);
        Assert.DoesNotMatch(KeyPattern(), missing.Out);
    }

    [Fact]
    public async Task Revoke_makes_every_key_of_the_user_stop_working_and_keeps_the_others()
    {
        var (_, alice) = await cli.JsonAsync("users", "add", "alice");
        var (_, bob) = await cli.JsonAsync("users", "add", "bob");

        var revoked = await cli.RunAsync("users", "revoke", "alice");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains("Revoked every API key of 'alice'", revoked.Out, StringComparison.Ordinal);
        Assert.Null(await AuthenticateAsync((string)alice["key"]!));
        Assert.Equal("bob", await AuthenticateAsync((string)bob["key"]!));

        var (_, json) = await cli.JsonAsync("users", "list");
        Assert.Empty(json.AsArray()[0]!["keys"]!.AsArray());
        Assert.Contains("none (revoked)", (await cli.RunAsync("users", "list")).Out, StringComparison.Ordinal);

        var missing = await cli.RunAsync("users", "revoke", "nobody");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);
    }

    /// <summary>The user a server on this database would accept the key for, or null.</summary>
    private async Task<string?> AuthenticateAsync(string key)
    {
        await using var store = new FlowMachine.Sqlite.SqliteFlowStore(new FlowMachine.Sqlite.SqliteStoreOptions { Path = cli.Db });
        var users = new FlowMachine.Sqlite.SqliteUserStore(store);
        await users.InitializeAsync(default);
        return (await FlowMachine.Users.UserAccounts.AuthenticateAsync(users, key))?.Name;
    }

    [GeneratedRegex("fm_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
