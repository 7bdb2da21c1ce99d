using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flowmachine schedules …</c> on a SQLite file, and the flows they start.</summary>
public sealed class ScheduleCommandTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Add_from_a_spec_file_stores_the_schedule_and_show_lists_the_next_fire_times()
    {
        var file = cli.WriteSpec("egg.yaml", "tasks: [test.One, test.Two]\n");

        var (added, schedule) = await cli.JsonAsync("schedules", "add", "nightly", file, "--cron", "30 2 * * *", "--tz", "Europe/Berlin",
            "--input", "n=3", "--input", "who=ann", "--overlap", "buffer");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal("admin", (string?)schedule["owner"]);
        Assert.Equal("Europe/Berlin", (string?)schedule["timeZone"]);
        Assert.Equal("buffer", (string?)schedule["overlap"]);
        Assert.Equal(3, (int?)schedule["input"]!["n"]);
        Assert.Equal("ann", (string?)schedule["input"]!["who"]);

        var (_, shown) = await cli.JsonAsync("schedules", "show", "nightly");
        var times = shown["nextFireTimes"]!.AsArray().Select(t => DateTimeOffset.Parse((string)t!, null)).ToList();
        Assert.Equal(10, times.Count);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(times, t => Assert.Equal(new TimeSpan(2, 30, 0), TimeZoneInfo.ConvertTime(t, berlin).TimeOfDay));

        var text = await cli.RunAsync("schedules", "show", "nightly");
        Assert.Contains("every day at 02:30 (Europe/Berlin)", text.Out, StringComparison.Ordinal);
        Assert.Contains("next fire times (UTC):", text.Out, StringComparison.Ordinal);
        Assert.Contains(ToText(times[9]), text.Out, StringComparison.Ordinal);

        var (_, list) = await cli.JsonAsync("schedules", "list");
        Assert.Equal("nightly", (string?)Assert.Single(list.AsArray())!["name"]);
        Assert.Contains("nightly", (await cli.RunAsync("schedules", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_with_a_routine_pins_the_version_and_records_the_owner_named_by_as()
    {
        Assert.Equal(0, (await cli.RunAsync("routines", "add", "egg", cli.WriteSpec("egg.yaml", "tasks: [test.One]\n"))).ExitCode);
        await cli.RunAsync("users", "add", "alice");

        var (added, schedule) = await cli.JsonAsync("schedules", "add", "hourly", "--routine", "egg", "--version", "1", "--every", "1h", "--paused", "--as", "alice");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal("egg", (string?)schedule["routine"]);
        Assert.Equal(1, (int?)schedule["version"]);
        Assert.Equal("1h", (string?)schedule["every"]);
        Assert.Equal("alice", (string?)schedule["owner"]);
        Assert.True((bool?)schedule["paused"]);
        Assert.Empty(schedule["nextFireTimes"]!.AsArray());

        var ghost = await cli.RunAsync("schedules", "add", "other", "--routine", "egg", "--every", "1h", "--as", "ghost");
        Assert.Equal(1, ghost.ExitCode);
        Assert.Contains("user 'ghost' (--as) does not exist", ghost.Err, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["--cron", "61 * * * *"], "cron (--cron): the minute field '61'" },
        { ["--cron", "0 0 * * 9"], "cron (--cron): the day of week field '9'" },
        { ["--every", "1h", "--tz", "Mars/Olympus_Mons"], "timeZone (--tz): unknown time zone 'Mars/Olympus_Mons'" },
        { ["--every", "500ms"], "every (--every): an interval is at least 1s" },
        { ["--every", "soon"], "every (--every): 'soon' is not a duration" },
        { ["--cron", "0 * * * *", "--every", "1h"], "every (--every): give either a cron expression or an interval" },
        { [], "cron (--cron): give either a cron expression or an interval" },
        { ["--every", "1h", "--overlap", "sometimes"], "overlap (--overlap)" },
        { ["--every", "1h", "--input", "novalue"], "--input 'novalue' must look like key=value" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_input_exits_1_naming_the_field_and_its_option_and_stores_nothing(string[] arguments, string says)
    {
        var file = cli.WriteSpec("egg.yaml", "tasks: [test.One]\n");

        var result = await cli.RunAsync(["schedules", "add", "nightly", file, .. arguments]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(says, result.Err, StringComparison.Ordinal);
        await AssertNoSchedulesAsync();
    }

    [Theory]
    [InlineData(new[] { "--routine", "no-such-routine", "--every", "1h" }, "routine (--routine): routine 'no-such-routine' does not exist")]
    [InlineData(new[] { "--every", "1h" }, "routine (--routine): give either a routine or an inline spec")]
    [InlineData(new[] { "SPEC", "--routine", "egg", "--every", "1h" }, "give either --routine ROUTINE or a SPEC file, not both")]
    [InlineData(new[] { "missing.yaml", "--every", "1h" }, "spec file 'missing.yaml' does not exist")]
    [InlineData(new[] { "BADSPEC", "--every", "1h" }, "spec.tasks[0] (SPEC)")]
    public async Task A_bad_target_exits_1_and_stores_nothing(string[] arguments, string says)
    {
        var file = cli.WriteSpec("egg.yaml", "tasks: [test.One]\n");
        var bad = cli.WriteSpec("bad.yaml", "tasks: [no.such.type]\n");
        string[] args = [.. arguments.Select(a => a switch { "SPEC" => file, "BADSPEC" => bad, _ => a })];

        var result = await cli.RunAsync(["schedules", "add", "nightly", .. args]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(says, result.Err, StringComparison.Ordinal);
        await AssertNoSchedulesAsync();
    }

    [Fact]
    public async Task A_taken_or_bad_name_exits_1_and_keeps_the_first_schedule()
    {
        var file = cli.WriteSpec("egg.yaml", "tasks: [test.One]\n");
        Assert.Equal(0, (await cli.RunAsync("schedules", "add", "nightly", file, "--every", "1h")).ExitCode);

        var again = await cli.RunAsync("schedules", "add", "nightly", file, "--every", "2h");
        var spaced = await cli.RunAsync("schedules", "add", "has space", file, "--every", "2h");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("name (NAME): a schedule named 'nightly' exists", again.Err, StringComparison.Ordinal);
        Assert.Equal(1, spaced.ExitCode);
        Assert.Contains("name (NAME): a schedule name has", spaced.Err, StringComparison.Ordinal);
        var (_, list) = await cli.JsonAsync("schedules", "list");
        Assert.Equal("1h", (string?)Assert.Single(list.AsArray())!["every"]);
    }

    [Fact]
    public async Task Pause_with_a_note_and_resume()
    {
        Assert.Equal(0, (await cli.RunAsync("schedules", "add", "nightly", cli.WriteSpec("egg.yaml", "tasks: [test.One]\n"), "--cron", "0 3 * * *")).ExitCode);

        var paused = await cli.RunAsync("schedules", "pause", "nightly", "--note", "quiet week");
        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Contains("schedule nightly paused: quiet week", paused.Out, StringComparison.Ordinal);
        var (_, shown) = await cli.JsonAsync("schedules", "show", "nightly");
        Assert.True((bool?)shown["paused"]);
        Assert.Equal("quiet week", (string?)shown["note"]);
        Assert.Contains("none while paused", (await cli.RunAsync("schedules", "show", "nightly")).Out, StringComparison.Ordinal);

        var (resumed, document) = await cli.JsonAsync("schedules", "resume", "nightly");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.False((bool?)document["paused"]);
        Assert.Equal(10, document["nextFireTimes"]!.AsArray().Count);
    }

    [Fact]
    public async Task Trigger_starts_a_flow_that_carries_its_schedule_and_slot_and_flows_list_filters_by_schedule()
    {
        Assert.Equal(0, (await cli.RunAsync("schedules", "add", "nightly", cli.WriteSpec("egg.yaml", "tasks: [test.One, test.Two]\n"), "--cron", "0 3 * * *", "--input", "n=1")).ExitCode);

        var (triggered, started) = await cli.JsonAsync("schedules", "trigger", "nightly");

        Assert.True(triggered.ExitCode == 0, triggered.ToString());
        var id = (string)Assert.Single(started["flowIds"]!.AsArray())!;
        var (_, flow) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal("nightly", (string?)flow["schedule"]);
        Assert.Equal(DateTimeOffset.Parse((string)started["slots"]![0]!, null), DateTimeOffset.Parse((string)flow["slot"]!, null));
        Assert.Equal(1, (int?)flow["input"]!["n"]);
        Assert.Contains("schedule  nightly, slot ", (await cli.RunAsync("flows", "show", id)).Out, StringComparison.Ordinal);
        var (_, listed) = await cli.JsonAsync("flows", "list", "--schedule", "nightly");
        Assert.Equal(id, (string?)Assert.Single(listed["items"]!.AsArray())!["id"]);
        var (_, none) = await cli.JsonAsync("flows", "list", "--schedule", "other");
        Assert.Empty(none["items"]!.AsArray());

        // The flow runs like any other.
        await WorkerUntilAsync(async () => (string?)(await cli.JsonAsync("flows", "show", id)).Json["state"] == "COMPLETED");
        var (_, shown) = await cli.JsonAsync("schedules", "show", "nightly");
        Assert.Equal(id, (string?)shown["lastFlowId"]);
        Assert.Equal("COMPLETED", (string?)shown["lastFlowState"]);
        Assert.Contains("started flow ", (await cli.RunAsync("schedules", "trigger", "nightly")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfill_starts_one_flow_per_slot_once_and_a_bad_range_exits_1()
    {
        Assert.Equal(0, (await cli.RunAsync("schedules", "add", "hourly", cli.WriteSpec("egg.yaml", "tasks: [test.One]\n"), "--cron", "0 * * * *", "--overlap", "allow")).ExitCode);

        var (first, started) = await cli.JsonAsync("schedules", "backfill", "hourly", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T02:00:00Z");
        var (_, again) = await cli.JsonAsync("schedules", "backfill", "hourly", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T02:00:00Z");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(3, started["flowIds"]!.AsArray().Count);
        Assert.Equal(["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"], started["slots"]!.AsArray().Select(s => (string?)s));
        Assert.Empty(again["flowIds"]!.AsArray());
        Assert.Equal(3, (int?)again["alreadyStarted"]);
        var (_, flows) = await cli.JsonAsync("flows", "list", "--schedule", "hourly");
        Assert.Equal(3, flows["items"]!.AsArray().Count);

        var bad = await cli.RunAsync("schedules", "backfill", "hourly", "--from", "yesterday", "--to", "2026-01-01T02:00:00Z");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("from (--from): 'yesterday' is not a time", bad.Err, StringComparison.Ordinal);
        var backwards = await cli.RunAsync("schedules", "backfill", "hourly", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z");
        Assert.Contains("to (--to):", backwards.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("schedules", "backfill", "hourly", "--from", "2026-01-01T00:00:00Z")).ExitCode);
        Assert.Equal(3, (await cli.JsonAsync("flows", "list", "--schedule", "hourly")).Json["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Delete_removes_the_schedule_and_keeps_its_flows()
    {
        Assert.Equal(0, (await cli.RunAsync("schedules", "add", "nightly", cli.WriteSpec("egg.yaml", "tasks: [test.One]\n"), "--cron", "0 3 * * *")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("schedules", "trigger", "nightly")).ExitCode);

        var deleted = await cli.RunAsync("schedules", "delete", "nightly");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("schedule nightly deleted", deleted.Out, StringComparison.Ordinal);
        await AssertNoSchedulesAsync();
        Assert.Single((await cli.JsonAsync("flows", "list", "--schedule", "nightly")).Json["items"]!.AsArray());
    }

    [Theory]
    [InlineData("show")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("trigger")]
    [InlineData("delete")]
    [InlineData("backfill")]
    public async Task An_unknown_schedule_exits_1_naming_it(string verb)
    {
        string[] range = verb == "backfill" ? ["--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T02:00:00Z"] : [];

        var result = await cli.RunAsync(["schedules", verb, "nope", .. range]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("schedule 'nope' does not exist", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_fires_due_schedules_and_runs_their_flows()
    {
        Assert.Equal(0, (await cli.RunAsync("schedules", "add", "tick", cli.WriteSpec("egg.yaml", "tasks: [test.One]\n"), "--every", "1s", "--overlap", "allow")).ExitCode);

        await WorkerUntilAsync(async () => (await cli.JsonAsync("flows", "list", "--schedule", "tick", "--state", "COMPLETED")).Json["items"]!.AsArray().Count >= 2);

        var (_, flows) = await cli.JsonAsync("flows", "list", "--schedule", "tick");
        var slots = flows["items"]!.AsArray().Select(f => (string)f!["slot"]!).ToList();
        Assert.Equal(slots.Count, slots.Distinct().Count());
        Assert.All(flows["items"]!.AsArray(), f => Assert.StartsWith("schedule:tick:", (string?)f!["key"], StringComparison.Ordinal));
    }

    /// <summary>Runs <c>flowmachine worker</c> until <paramref name="done"/> holds (at most 30 s), then stops it.</summary>
    private async Task WorkerUntilAsync(Func<Task<bool>> done)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var worker = CliApp.RunAsync(["worker", "--db", cli.Db], TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), stop.Token);
        var reached = false;
        while (!stop.IsCancellationRequested && !worker.IsCompleted && !(reached = await done()))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        var code = await worker;
        Assert.True(reached, $"the worker stopped before the flows ran (exit {code})\n{stdout}\n{stderr}");
        Assert.True(code == 0, $"worker exit {code}\n{stdout}\n{stderr}");
    }

    private async Task AssertNoSchedulesAsync()
    {
        var (_, list) = await cli.JsonAsync("schedules", "list");
        Assert.Empty(list.AsArray());
    }

    private static string ToText(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", null);
}
