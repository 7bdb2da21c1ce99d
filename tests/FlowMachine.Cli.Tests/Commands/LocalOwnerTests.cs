using FlowMachine.Cli.Tests.Support;
using FlowMachine.Sqlite;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary>Flows and routines the CLI creates on a local database get an owner: <c>--as USER</c>, or the local admin.</summary>
public sealed class LocalOwnerTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Start_and_run_give_the_flow_to_the_user_named_by_as()
    {
        await cli.RunAsync("users", "add", "alice");

        var (started, flow) = await cli.JsonAsync("start", CliFixture.Spec("seed004.yaml"), "--as", "alice");
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Equal("alice", (string?)flow["owner"]);

        var (ran, view) = await cli.JsonAsync("run", CliFixture.Spec("seed004.yaml"), "--as", "alice");
        Assert.True(ran.ExitCode == 0, ran.ToString());
        Assert.Equal("alice", (string?)view["owner"]);
    }

    [Fact]
    public async Task Without_as_the_owner_is_admin_or_else_the_first_admin()
    {
        // No users yet: 'admin', the user the first serve creates.
        var (_, first) = await cli.JsonAsync("start", CliFixture.Spec("seed004.yaml"));
        Assert.Equal("admin", (string?)first["owner"]);

        // Users, but no 'admin': the first admin by name.
        await cli.RunAsync("users", "add", "zed", "--admin");
        await cli.RunAsync("users", "add", "root", "--admin");
        await cli.RunAsync("users", "add", "alice");
        var (_, second) = await cli.JsonAsync("start", CliFixture.Spec("seed004.yaml"));
        Assert.Equal("root", (string?)second["owner"]);

        await cli.RunAsync("users", "add", "admin", "--admin");
        var (_, third) = await cli.JsonAsync("start", CliFixture.Spec("seed004.yaml"));
        Assert.Equal("admin", (string?)third["owner"]);
    }

    [Fact]
    public async Task Routines_add_records_who_saved_the_version()
    {
        await cli.RunAsync("users", "add", "alice");
        var spec = cli.WriteSpec("r.yaml", "tasks: [test.One]");
        var byAlice = await cli.RunAsync("routines", "add", "r1", spec, "--as", "alice");
        Assert.True(byAlice.ExitCode == 0, byAlice.ToString());
        var byAdmin = await cli.RunAsync("routines", "add", "r2", spec);
        Assert.True(byAdmin.ExitCode == 0, byAdmin.ToString());

        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = cli.Db });
        await store.InitializeAsync(default);
        Assert.Equal("alice", (await store.GetRoutineAsync("r1", null, default))!.Owner);
        Assert.Equal("admin", (await store.GetRoutineAsync("r2", null, default))!.Owner);
    }

    [Fact]
    public async Task As_an_unknown_user_is_refused_and_creates_nothing()
    {
        var refused = await cli.RunAsync("start", CliFixture.Spec("seed004.yaml"), "--as", "nobody");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("user 'nobody' (--as) does not exist", refused.Err, StringComparison.Ordinal);

        var spec = cli.WriteSpec("r.yaml", "tasks: [test.One]");
        var routine = await cli.RunAsync("routines", "add", "r1", spec, "--as", "nobody");
        Assert.Equal(1, routine.ExitCode);

        var (_, flows) = await cli.JsonAsync("flows", "list");
        Assert.Empty(flows["items"]?.AsArray() ?? flows.AsArray());
        Assert.Contains("No routines", (await cli.RunAsync("routines", "list")).Out, StringComparison.OrdinalIgnoreCase);
    }
}
