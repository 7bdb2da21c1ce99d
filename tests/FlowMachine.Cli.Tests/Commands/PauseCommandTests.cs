using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flows suspend|resume</c> and <c>routines pause|resume</c> on a SQLite file.</summary>
public sealed class PauseCommandTests : IDisposable
{
    private const string Seed000 = "label: egg\ntasks: [test.One, test.Two, test.Wait, test.Three]\n";
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Suspend_holds_the_flow_show_says_so_and_resume_lets_it_go()
    {
        var (run, started) = await cli.JsonAsync("run", cli.WriteSpec("seed000.yaml", Seed000));
        Assert.True(run.ExitCode == 3, run.ToString());
        var id = (string)started["id"]!;

        var suspended = await cli.RunAsync("flows", "suspend", id);
        Assert.True(suspended.ExitCode == 0, suspended.ToString());
        Assert.Contains($"flow {id} suspended", suspended.Out, StringComparison.Ordinal);
        var (again, json) = await cli.JsonAsync("flows", "suspend", id);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(false, (bool?)json["changed"]);

        var show = await cli.RunAsync("flows", "show", id);
        Assert.Contains($"held      suspended (flowmachine flows resume {id})", show.Out, StringComparison.Ordinal);
        var (_, document) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal(true, (bool?)document["suspended"]);

        var (resumed, answer) = await cli.JsonAsync("flows", "resume", id);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal("""{"flowId":"ID","state":"WAITING","suspended":false,"changed":true}""".Replace("ID", id, StringComparison.Ordinal), answer.ToJsonString());
        Assert.DoesNotContain("held", (await cli.RunAsync("flows", "show", id)).Out, StringComparison.Ordinal);

        var pushed = await cli.RunAsync("flows", "push", id, """{"by":"hand"}""");
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
    }

    [Fact]
    public async Task Suspending_an_unknown_or_ended_flow_exits_1_naming_why()
    {
        var unknown = await cli.RunAsync("flows", "suspend", "no-such-flow");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("flow no-such-flow does not exist", unknown.Err, StringComparison.Ordinal);

        var (run, done) = await cli.JsonAsync("run", cli.WriteSpec("one.yaml", "tasks: [noop]\n"));
        Assert.Equal(0, run.ExitCode);
        var id = (string)done["id"]!;
        var ended = await cli.RunAsync("flows", "resume", id);
        Assert.Equal(1, ended.ExitCode);
        Assert.Contains($"flow {id} has ended COMPLETED: only a flow that has not ended can be resumed", ended.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pausing_a_routine_holds_its_new_flows_until_it_resumes()
    {
        var unknown = await cli.RunAsync("routines", "pause", "no-such-routine");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("routine 'no-such-routine' does not exist", unknown.Err, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("routines", "add", "one", cli.WriteSpec("one.yaml", "tasks: [noop]\n"))).ExitCode);
        var (paused, answer) = await cli.JsonAsync("routines", "pause", "one");
        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Equal("""{"name":"one","paused":true,"changed":true}""", answer.ToJsonString());

        var id = (await cli.RunAsync("start", "one")).Out.Trim();
        var (_, held) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal(true, (bool?)held["routinePaused"]);
        Assert.Contains("held      routine one is paused (flowmachine routines resume one)", (await cli.RunAsync("flows", "show", id)).Out, StringComparison.Ordinal);

        var resumed = await cli.RunAsync("routines", "resume", "one");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("routine one resumed", resumed.Out, StringComparison.Ordinal);
        var (_, free) = await cli.JsonAsync("flows", "show", id);
        Assert.Null(free["routinePaused"]);
    }

    [Fact]
    public async Task Routines_list_and_show_say_whether_a_routine_is_paused_since_when_and_by_whom()
    {
        Assert.Equal(0, (await cli.RunAsync("routines", "add", "held", cli.WriteSpec("held.yaml", "tasks: [noop]\n"))).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("routines", "add", "free", cli.WriteSpec("free.yaml", "tasks: [noop]\n"))).ExitCode);
        var (_, running) = await cli.JsonAsync("routines", "show", "held");
        Assert.False(running.AsObject().ContainsKey("paused"));
        Assert.Null(running["pausedAt"]);
        Assert.Equal(0, (await cli.RunAsync("routines", "pause", "held")).ExitCode);

        var (listed, list) = await cli.JsonAsync("routines", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var byName = list.AsArray().ToDictionary(r => (string)r!["name"]!);
        Assert.Equal(true, (bool?)byName["held"]!["paused"]);
        Assert.NotNull((DateTimeOffset?)byName["held"]!["pausedAt"]);
        Assert.False(string.IsNullOrEmpty((string?)byName["held"]!["pausedBy"]));
        Assert.False(byName["free"]!.AsObject().ContainsKey("paused"));
        Assert.Null(byName["free"]!["pausedAt"]);

        var table = await cli.RunAsync("routines", "list");
        Assert.Contains("paused", table.Out, StringComparison.Ordinal);
        var heldRow = table.Out.Split('\n').Single(l => l.TrimStart().StartsWith("held ", StringComparison.Ordinal));
        var freeRow = table.Out.Split('\n').Single(l => l.TrimStart().StartsWith("free ", StringComparison.Ordinal));
        Assert.EndsWith("yes", heldRow.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("yes", freeRow, StringComparison.Ordinal);

        var (_, shown) = await cli.JsonAsync("routines", "show", "held");
        Assert.Equal(true, (bool?)shown["paused"]);
        Assert.Equal((string?)byName["held"]!["pausedBy"], (string?)shown["pausedBy"]);
        var text = await cli.RunAsync("routines", "show", "held");
        Assert.Matches(@"paused since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by \S+: its flows are stored but not run \(flowmachine routines resume held\)", text.Out);
        Assert.DoesNotContain("paused since", (await cli.RunAsync("routines", "show", "free")).Out, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("routines", "resume", "held")).ExitCode);
        var (_, resumed) = await cli.JsonAsync("routines", "show", "held");
        Assert.False(resumed.AsObject().ContainsKey("paused"));
        Assert.Null(resumed["pausedBy"]);
    }
}
