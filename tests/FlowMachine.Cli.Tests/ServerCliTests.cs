using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Client.Tests.Support;

namespace FlowMachine.Cli.Tests;

/// <summary>
/// The CLI with <c>--server</c> against a real <c>flowmachine serve</c> process: the verbs talk to it through FlowMachine.Client
/// and print what they print on the server's database file.
/// </summary>
public sealed class ServerCliTests(ServeProcess serve) : IClassFixture<ServeProcess>
{
    private string Url => serve.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task Start_show_submit_push_and_history_talk_to_the_server_with_the_outputs_of_the_database()
    {
        var start = await RemoteAsync("start", CliFixture.Spec("seed000.yaml"), "--key", "remote-1", "--tag", "eu", "-i", "order=42");
        Assert.True(start.ExitCode == 0, start.ToString());
        var id = start.Out.Trim();
        Assert.Matches("^[0-9a-z]+$", id);

        await WaitForStateAsync(id, "WAITING");
        var show = await RemoteAsync("flows", "show", id);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("state     WAITING", show.Out, StringComparison.Ordinal);
        Assert.Contains("waiting   Wait for external", show.Out, StringComparison.Ordinal);
        Assert.Contains("tags      eu", show.Out, StringComparison.Ordinal);

        var again = await RemoteAsync("start", CliFixture.Spec("seed000.yaml"), "--key", "remote-1", "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.False((bool)JsonNode.Parse(again.Out)!["created"]!);
        Assert.Contains("exists already", again.Err, StringComparison.Ordinal);

        var submit = await RemoteAsync("flows", "submit", id, "--args", """{"ok": false}""", "--no-run");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Contains("accepted: the server's workers apply it", submit.Out, StringComparison.Ordinal);

        // Without --no-run the verb follows the flow on the server until it settles, as it runs it on a database.
        var push = await RemoteAsync("flows", "push", id, """{"approved": true}""", "--json");
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Equal(id, (string?)JsonNode.Parse(push.Out)!["id"]);
        Assert.Equal("COMPLETED", (string?)JsonNode.Parse(push.Out)!["state"]);
        Assert.Contains("✓ test.Three  COMPLETED", push.Err, StringComparison.Ordinal);
        await WaitForStateAsync(id, "COMPLETED");

        // The same verbs on the server's database file print the same documents.
        foreach (var verb in new[] { new[] { "flows", "show", id }, ["flows", "history", id], ["flows", "list", "--tag", "eu"], ["tasks"] })
        {
            var remote = await RemoteAsync([.. verb, "--json"]);
            var local = await LocalAsync([.. verb, "--json"]);
            Assert.True(remote.ExitCode == 0, remote.ToString());
            Assert.True(local.ExitCode == 0, local.ToString());
            Assert.Equal(local.Out, remote.Out);
        }

        var list = await RemoteAsync("flows", "list", "--state", "COMPLETED");
        Assert.Contains(id, list.Out, StringComparison.Ordinal);
        Assert.Contains("COMPLETED", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbs_follow_the_flow_on_the_server_with_the_outputs_and_exit_codes_of_a_database()
    {
        const string Spec = "label: stop-after-wait\ntasks:\n  - test.Wait\n  - { key: stop, task_type: kill, task_params: { reason: refused by hand } }\n";
        var folder = new CliFixture();
        try
        {
            var spec = folder.WriteSpec("stop.yaml", Spec);
            var local = await folder.JsonAsync("run", spec);
            Assert.True(local.Result.ExitCode == 3, local.Result.ToString());
            var localId = (string)local.Json["id"]!;
            var remoteId = (await RemoteAsync("start", spec)).Out.Trim();
            await WaitForStateAsync(remoteId, "WAITING");

            // A check that does not pass: the flow waits again (exit 3); a push: the next step kills it (exit 2).
            string[][] verbs = [["flows", "submit", "ID", "--args", """{"ok": false}"""], ["flows", "push", "ID", """{"by": "hand"}"""]];
            int[] codes = [3, 2];
            for (var i = 0; i < verbs.Length; i++)
            {
                var here = await folder.RunAsync([.. verbs[i].Select(a => a == "ID" ? localId : a), "--json"]);
                var there = await RemoteAsync([.. verbs[i].Select(a => a == "ID" ? remoteId : a), "--json"]);
                Assert.True(here.ExitCode == codes[i], here.ToString());
                Assert.True(there.ExitCode == codes[i], there.ToString());
                Assert.Equal(Comparable(here.Out), Comparable(there.Out));
                Assert.Equal(here.Err.Replace(localId, "ID", StringComparison.Ordinal).Replace($" --db {folder.Db}", "", StringComparison.Ordinal),
                    there.Err.Replace(remoteId, "ID", StringComparison.Ordinal).Replace($" --server {Url}", "", StringComparison.Ordinal));
            }

            Assert.Equal("KILLED", (string?)JsonNode.Parse((await RemoteAsync("flows", "show", remoteId, "--json")).Out)!["state"]);

            // A cancel ends the flow as asked: exit 0 on both.
            var started = (await RemoteAsync("start", spec)).Out.Trim();
            await WaitForStateAsync(started, "WAITING");
            var cancel = await RemoteAsync("flows", "cancel", started, "--reason", "not needed");
            Assert.True(cancel.ExitCode == 0, cancel.ToString());
            Assert.Contains($"flow {started} (stop-after-wait)  CANCELLED", cancel.Out, StringComparison.Ordinal);

            // A retry of the ended flow is not taken for settled before a worker applied it: it runs and waits again.
            var retry = await RemoteAsync("flows", "retry", started);
            Assert.True(retry.ExitCode == 3, retry.ToString());
            Assert.Contains("⏸ test.Wait  WAITING", retry.Out, StringComparison.Ordinal);
        }
        finally
        {
            folder.Dispose();
        }
    }

    /// <summary>A flow document without what differs between two runs of the same spec: ids, owners and times.</summary>
    private static string Comparable(string json)
    {
        var document = JsonNode.Parse(json)!;
        Strip(document);
        return document.ToJsonString();

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var name in o.Select(p => p.Key).Where(n => n is "id" or "owner" or "flowId" || n.EndsWith("At", StringComparison.Ordinal)).ToList())
                    {
                        o.Remove(name);
                    }

                    foreach (var (_, value) in o)
                    {
                        Strip(value);
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Strip(item);
                    }

                    break;
            }
        }
    }

    [Fact]
    public async Task Refused_commands_exit_1_with_the_servers_reason()
    {
        var missing = await RemoteAsync("flows", "cancel", "no-such-flow");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: flow no-such-flow does not exist", missing.Err.Trim());

        var show = await RemoteAsync("flows", "show", "no-such-flow");
        Assert.Equal(1, show.ExitCode);
        Assert.Contains("flow no-such-flow does not exist", show.Err, StringComparison.Ordinal);

        var id = (await RemoteAsync("start", CliFixture.Spec("seed000.yaml"))).Out.Trim();
        await WaitForStateAsync(id, "WAITING");
        var retry = await RemoteAsync("flows", "retry", id);
        Assert.Equal(1, retry.ExitCode);
        Assert.StartsWith("error: ", retry.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await RemoteAsync("flows", "cancel", id, "--reason", "not needed")).ExitCode);
        await WaitForStateAsync(id, "CANCELLED");
        Assert.Equal(0, (await RemoteAsync("flows", "retry", id, "--no-run")).ExitCode);

        var bad = new CliFixture();
        try
        {
            var spec = bad.WriteSpec("bad.yaml", "tasks:\n  - test.One\n  - test.Twoo\n");
            var invalid = await RemoteAsync("start", spec);
            Assert.Equal(1, invalid.ExitCode);
            Assert.Contains("error: the spec is invalid", invalid.Err, StringComparison.Ordinal);
            Assert.Contains("tasks[1]", invalid.Err, StringComparison.Ordinal);
            Assert.Contains("test.Two", invalid.Err, StringComparison.Ordinal);
        }
        finally
        {
            bad.Dispose();
        }
    }

    [Fact]
    public async Task Routines_add_list_and_show_go_to_the_server()
    {
        var add = await RemoteAsync("routines", "add", "remote-seed", CliFixture.Spec("seed000.yaml"));
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal("routine remote-seed version 1", add.Out.Trim());
        Assert.Equal("routine remote-seed version 1 (unchanged)", (await RemoteAsync("routines", "add", "remote-seed", CliFixture.Spec("seed000.yaml"))).Out.Trim());

        var list = await RemoteAsync("routines", "list");
        Assert.Contains("remote-seed", list.Out, StringComparison.Ordinal);
        foreach (var verb in new[] { new[] { "routines", "list" }, ["routines", "show", "remote-seed"] })
        {
            Assert.Equal((await LocalAsync([.. verb, "--json"])).Out, (await RemoteAsync([.. verb, "--json"])).Out);
        }

        var show = await RemoteAsync("routines", "show", "remote-seed");
        Assert.StartsWith("routine remote-seed version 1 of 1", show.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await RemoteAsync("routines", "show", "remote-seed", "--version", "2")).ExitCode);

        var started = await RemoteAsync("start", "remote-seed", "--json");
        Assert.Equal("remote-seed", (string?)JsonNode.Parse(started.Out)!["routine"]);

        // Pausing the routine and suspending a flow go to the server too.
        Assert.Equal("routine remote-seed paused: its flows are stored but not run until it resumes", (await RemoteAsync("routines", "pause", "remote-seed")).Out.Trim());
        Assert.Equal("routine remote-seed was paused already", (await RemoteAsync("routines", "pause", "remote-seed")).Out.Trim());
        Assert.Equal((await LocalAsync("routines", "show", "remote-seed", "--json")).Out, (await RemoteAsync("routines", "show", "remote-seed", "--json")).Out);
        Assert.Equal("routine remote-seed resumed", (await RemoteAsync("routines", "resume", "remote-seed")).Out.Trim());
        Assert.Equal(1, (await RemoteAsync("routines", "pause", "no-such-routine")).ExitCode);

        var id = (string)JsonNode.Parse(started.Out)!["id"]!;
        Assert.Equal($"flow {id} suspended", (await RemoteAsync("flows", "suspend", id)).Out.Trim());
        Assert.Contains($"held      suspended (flowmachine flows resume {id})", (await RemoteAsync("flows", "show", id)).Out, StringComparison.Ordinal);
        var resumed = JsonNode.Parse((await RemoteAsync("flows", "resume", id, "--json")).Out)!;
        Assert.True((bool)resumed["changed"]!);
        Assert.False((bool)resumed["suspended"]!);
        var missing = await RemoteAsync("flows", "suspend", "no-such-flow");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: flow no-such-flow does not exist", missing.Err.Trim());
        Assert.Equal(0, (await RemoteAsync("flows", "cancel", id)).ExitCode);
        await WaitForStateAsync(id, "CANCELLED");
        var ended = await RemoteAsync("flows", "suspend", id);
        Assert.Equal(1, ended.ExitCode);
        Assert.Equal($"error: flow {id} has ended CANCELLED: only a flow that has not ended can be suspended", ended.Err.Trim());

        // Delete: a flow that has not ended is the server's refusal; an ended one goes for good.
        var waiting = (await RemoteAsync("start", CliFixture.Spec("seed000.yaml"))).Out.Trim();
        await WaitForStateAsync(waiting, "WAITING");
        var refused = await RemoteAsync("flows", "delete", waiting);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"error: flow {waiting}", refused.Err, StringComparison.Ordinal);
        Assert.Equal($"deleted flow {id}", (await RemoteAsync("flows", "delete", id)).Out.Trim());
        var gone = await RemoteAsync("flows", "delete", id);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal($"error: flow {id} does not exist", gone.Err.Trim());
    }

    [Fact]
    public async Task A_wrong_key_or_a_server_that_is_not_there_is_one_line_and_exit_1()
    {
        var wrong = await CliAsync("flows", "list", "--server", Url, "--api-key", "fm_wrong");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal("", wrong.Out);
        var line = Assert.Single(wrong.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the server refused the API key", line, StringComparison.Ordinal);

        var none = await CliAsync("flows", "list", "--server", $"http://127.0.0.1:{ServeProcess.FreePort()}", "--api-key", ServeProcess.AdminKey);
        Assert.Equal(1, none.ExitCode);
        line = Assert.Single(none.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot reach the FlowMachine server", line, StringComparison.Ordinal);

        var notUrl = await CliAsync("flows", "list", "--server", "localhost:5080");
        Assert.Equal(1, notUrl.ExitCode);
        Assert.Contains("is not a server URL", notUrl.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbs_that_work_on_a_database_refuse_a_server_and_open_none()
    {
        var folder = new CliFixture();
        try
        {
            foreach (var verb in new[] { new[] { "users", "list" }, ["users", "add", "x"], ["worker"], ["run", "x"], ["serve"] })
            {
                var result = await CliAsync([.. verb, "--server", Url, "--api-key", ServeProcess.AdminKey]);
                Assert.True(result.ExitCode == 1, $"{string.Join(' ', verb)}: {result}");
                Assert.StartsWith($"error: 'flowmachine {verb[0]}", result.Err, StringComparison.Ordinal);
                Assert.Contains("is not supported with --server", result.Err, StringComparison.Ordinal);
            }

            Assert.Empty(Directory.GetFiles(Environment.CurrentDirectory, "flowmachine.db*"));
            var both = await CliAsync("flows", "list", "--server", Url, "--db", folder.Db);
            Assert.Equal(1, both.ExitCode);
            Assert.Contains("not both", both.Err, StringComparison.Ordinal);
            Assert.False(File.Exists(folder.Db));
        }
        finally
        {
            folder.Dispose();
        }
    }

    [Fact]
    public async Task Schedules_workers_and_bulk_actions_go_to_the_server()
    {
        Assert.Equal(0, (await RemoteAsync("routines", "add", "nightly-seed", CliFixture.Spec("seed000.yaml"))).ExitCode);
        var added = await LocalAsync("schedules", "add", "nightly", "--routine", "nightly-seed", "--cron", "0 3 * * *");
        Assert.True(added.ExitCode == 0, added.ToString());
        foreach (var verb in new[] { new[] { "schedules", "list" }, ["schedules", "show", "nightly"] })
        {
            var remote = await RemoteAsync([.. verb, "--json"]);
            Assert.True(remote.ExitCode == 0, remote.ToString());
            Assert.Equal((await LocalAsync([.. verb, "--json"])).Out, remote.Out);
        }

        Assert.Contains("nightly", (await RemoteAsync("schedules", "list")).Out, StringComparison.Ordinal);
        var missing = await RemoteAsync("schedules", "show", "no-such-schedule");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);

        // The serve process's own worker is registered and live.
        var workers = JsonNode.Parse((await RemoteAsync("workers", "--json")).Out)!;
        Assert.Contains(workers["workers"]!.AsArray(), w => (bool)w!["live"]!);
        Assert.Contains("live", (await RemoteAsync("workers")).Out, StringComparison.Ordinal);

        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((await RemoteAsync("start", CliFixture.Spec("seed000.yaml"), "--tag", "bulk")).Out.Trim());
        }

        foreach (var id in ids)
        {
            await WaitForStateAsync(id, "WAITING");
        }

        var dry = await RemoteAsync("flows", "bulk", "cancel", "--tag", "bulk", "--dry-run", "--json");
        Assert.Equal((await LocalAsync("flows", "bulk", "cancel", "--tag", "bulk", "--dry-run", "--json")).Out, dry.Out);
        Assert.Equal(2, (int)JsonNode.Parse(dry.Out)!["matched"]!);
        var cancel = await RemoteAsync("flows", "bulk", "cancel", "--tag", "bulk");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Equal("2 matched, 2 done, 0 refused", cancel.Out.Trim());
        foreach (var id in ids)
        {
            await WaitForStateAsync(id, "CANCELLED");
        }

        var bad = await RemoteAsync("flows", "bulk", "retry", "--state", "NOPE");
        Assert.Equal(1, bad.ExitCode);
    }

    [Fact]
    public async Task Schedule_write_verbs_and_purge_go_to_the_server()
    {
        Assert.Equal(0, (await RemoteAsync("routines", "add", "weekly-seed", CliFixture.Spec("seed000.yaml"))).ExitCode);
        var added = await RemoteAsync("schedules", "add", "remote-weekly", "--routine", "weekly-seed", "--cron", "0 3 * * 1", "--overlap", "allow", "--json");
        Assert.True(added.ExitCode == 0, added.ToString());
        // The same document as on the database, but for the times' precision: the answer carries the clock's, the database milliseconds.
        Assert.Equal(Comparable((await LocalAsync("schedules", "show", "remote-weekly", "--json")).Out), Comparable(added.Out));
        var taken = await RemoteAsync("schedules", "add", "remote-weekly", "--routine", "weekly-seed", "--every", "1h");
        Assert.Equal(1, taken.ExitCode);
        Assert.StartsWith("error: ", taken.Err, StringComparison.Ordinal);

        var paused = await RemoteAsync("schedules", "pause", "remote-weekly", "--note", "maintenance", "--json");
        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Equal(Comparable((await LocalAsync("schedules", "show", "remote-weekly", "--json")).Out), Comparable(paused.Out));
        Assert.True((bool)JsonNode.Parse(paused.Out)!["paused"]!);
        Assert.StartsWith("schedule remote-weekly resumed; next ", (await RemoteAsync("schedules", "resume", "remote-weekly")).Out, StringComparison.Ordinal);

        var trigger = await RemoteAsync("schedules", "trigger", "remote-weekly");
        Assert.True(trigger.ExitCode == 0, trigger.ToString());
        Assert.StartsWith("started flow ", trigger.Out, StringComparison.Ordinal);
        Assert.Contains("1 started, 0 skipped by the overlap policy, 0 started before; the server's workers run them", trigger.Out, StringComparison.Ordinal);

        // 2026-01-05 and 2026-01-12 are Mondays: two slots, started once however often the backfill is sent.
        string[] backfill = ["schedules", "backfill", "remote-weekly", "--from", "2026-01-01T00:00:00", "--to", "2026-01-14T00:00:00", "--json"];
        var filled = JsonNode.Parse((await RemoteAsync(backfill)).Out)!;
        Assert.Equal(2, filled["flowIds"]!.AsArray().Count);
        Assert.Equal(["2026-01-05T03:00:00Z", "2026-01-12T03:00:00Z"], filled["slots"]!.AsArray().Select(s => (string)s!));
        var again = JsonNode.Parse((await RemoteAsync(backfill)).Out)!;
        Assert.Empty(again["flowIds"]!.AsArray());
        Assert.Equal(2, (int)again["alreadyStarted"]!);

        Assert.Equal("schedule remote-weekly deleted", (await RemoteAsync("schedules", "delete", "remote-weekly")).Out.Trim());
        Assert.Equal(1, (await LocalAsync("schedules", "show", "remote-weekly")).ExitCode);
        var missing = await RemoteAsync("schedules", "pause", "remote-weekly");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("schedule 'remote-weekly' does not exist", missing.Err, StringComparison.Ordinal);

        // Purge: the same count as on the database, then the flows go.
        foreach (var id in filled["flowIds"]!.AsArray().Select(i => (string)i!))
        {
            await WaitForStateAsync(id, "WAITING");
            Assert.Equal(0, (await RemoteAsync("flows", "cancel", id, "--no-run")).ExitCode);
            await WaitForStateAsync(id, "CANCELLED");
        }

        string[] dry = ["flows", "purge", "--state", "CANCELLED", "--dry-run", "--json"];
        var counted = await RemoteAsync(dry);
        Assert.True(counted.ExitCode == 0, counted.ToString());
        Assert.Equal((await LocalAsync(dry)).Out, counted.Out);
        var count = (long)JsonNode.Parse(counted.Out)!["flows"]!;
        Assert.True(count >= 2, counted.Out);
        var purged = JsonNode.Parse((await RemoteAsync("flows", "purge", "--state", "CANCELLED", "--json")).Out)!;
        Assert.False((bool)purged["dryRun"]!);
        Assert.True((long)purged["flows"]! >= 2);
        Assert.Equal(0, (long)JsonNode.Parse((await LocalAsync(dry)).Out)!["flows"]!);
        var notFinished = await RemoteAsync("flows", "purge", "--state", "WAITING");
        Assert.Equal(1, notFinished.ExitCode);
        Assert.Contains("--state WAITING is not a finished state", notFinished.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_names_the_server_and_the_key_for_the_built_tool()
    {
        var id = (await RemoteAsync("start", CliFixture.Spec("seed000.yaml"), "--key", "from-env")).Out.Trim();
        var listed = await ProcessAsync(["flows", "list", "--key", "from-env", "--json"], ServeProcess.AdminKey);
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal(id, (string?)JsonNode.Parse(listed.Out)!["items"]![0]!["id"]);

        var refused = await ProcessAsync(["flows", "list"], "fm_wrong");
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error: the server refused the API key", Assert.Single(refused.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        var local = await ProcessAsync(["users", "list"], ServeProcess.AdminKey);
        Assert.Equal(1, local.ExitCode);
        Assert.Contains("(set by FLOWMACHINE_URL)", local.Err, StringComparison.Ordinal);
    }

    /// <summary>Runs the built tool as a child process with <c>FLOWMACHINE_URL</c> and <c>FLOWMACHINE_API_KEY</c> set.</summary>
    private async Task<CliResult> ProcessAsync(string[] args, string key)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = serve.Folder,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "flowmachine.dll") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["FLOWMACHINE_URL"] = Url;
        start.Environment["FLOWMACHINE_API_KEY"] = key;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private Task<CliResult> RemoteAsync(params string[] args) => CliAsync([.. args, "--server", Url, "--api-key", ServeProcess.AdminKey]);

    private Task<CliResult> LocalAsync(params string[] args) => CliAsync([.. args, "--db", serve.DbPath]);

    private static async Task<CliResult> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private async Task WaitForStateAsync(string id, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var show = await RemoteAsync("flows", "show", id, "--json");
            Assert.True(show.ExitCode == 0, show.ToString());
            if ((string?)JsonNode.Parse(show.Out)!["state"] == state)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {id} is not {state}:\n{show.Out}\n{serve.Output}");
            await Task.Delay(50);
        }
    }
}
