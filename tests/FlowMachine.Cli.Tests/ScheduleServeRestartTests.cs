using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Cli.Tests;

/// <summary>A real <c>flowmachine serve</c> on a SQLite file, SIGKILLed while a schedule fires every second and started again: no slot lost, none doubled.</summary>
public sealed class ScheduleServeRestartTests(ITestOutputHelper output) : IDisposable
{
    private const string Name = "tick";
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Serve_killed_mid_run_and_started_again_loses_and_doubles_no_slot()
    {
        await using (var store = await OpenAsync())
        {
            await using var verbs = Verbs(store);
            var created = await verbs.Verbs.AddAsync(Name, new ScheduleDefinition
            {
                // The inline spec as a JSON document.
                Spec = JsonNode.Parse("""{ "tasks": ["noop"] }"""),
                Every = TimeSpan.FromSeconds(1),
                Overlap = ScheduleOverlap.Allow,
            }, paused: false, note: null, owner: null);
            Assert.True(created.Outcome == ScheduleOutcome.Created, $"{created.Outcome}: {string.Join("; ", created.Errors.Select(e => $"{e.Path}: {e.Message}"))}");
        }

        var clock = Stopwatch.StartNew();
        DateTimeOffset killedAt;
        using (var first = await ServeProcess.StartAsync(cli))
        {
            await Task.Delay(TimeSpan.FromSeconds(8));
            killedAt = DateTimeOffset.UtcNow;
            await first.KillAsync();
        }

        // Down for a few seconds: slots pass with no process to fire them.
        await Task.Delay(TimeSpan.FromSeconds(4));
        DateTimeOffset restartedAt;
        using (var second = await ServeProcess.StartAsync(cli))
        {
            restartedAt = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(8));

            // Paused, the schedule starts nothing more; the running serve finishes what it started.
            await using var store = await OpenAsync();
            await using var verbs = Verbs(store);
            Assert.Equal(ScheduleOutcome.Ok, (await verbs.Verbs.PauseAsync(Name, "test over", new Caller("test", IsAdmin: true))).Outcome);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // a firing in flight when it paused is written or dropped
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await ListAsync(store)).Any(f => f.State != FlowState.Completed))
            {
                Assert.True(DateTime.UtcNow < deadline, "the schedule's flows did not all complete in 60 s");
                await Task.Delay(200);
            }

            await second.KillAsync();
        }

        await using (var store = await OpenAsync())
        {
            var flows = await ListAsync(store);
            output.WriteLine($"{flows.Count} flows; serve killed at {killedAt:HH:mm:ss.fff}, up again at {restartedAt:HH:mm:ss.fff}; {clock.Elapsed.TotalSeconds:F1} s in all");
            var schedule = await store.GetScheduleAsync(Name, default);
            Assert.True(flows.Count > 0, $"the schedule started nothing: next fire {schedule?.NextFireAt:O}, last slot {schedule?.LastSlot:O}, error {schedule?.LastError}; " +
                $"{(await store.ListFlowsAsync(new FlowQuery(), default)).Items.Count} flows in the database");
            var slots = flows.Select(f => f.Slot ?? throw new Xunit.Sdk.XunitException($"flow {f.Id} has no slot")).Order().ToList();

            // One flow per slot, each with the slot's key.
            Assert.All(flows, f => Assert.Equal(ScheduleKeys.For(Name, f.Slot!.Value), f.Key));
            var doubled = slots.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => $"{g.Key:HH:mm:ss} x{g.Count()}").ToList();
            Assert.True(doubled.Count == 0, "slots started twice: " + string.Join(", ", doubled));

            // No gap between the first and the last slot, the downtime included.
            var gaps = slots.Zip(slots.Skip(1)).Where(p => p.Second - p.First != TimeSpan.FromSeconds(1)).Select(p => $"{p.First:HH:mm:ss.fff} -> {p.Second:HH:mm:ss.fff}").ToList();
            Assert.True(gaps.Count == 0, "slots missing: " + string.Join(", ", gaps));
            Assert.True(slots[0] < killedAt.AddSeconds(-3), $"the first slot {slots[0]:HH:mm:ss} is not well before the kill at {killedAt:HH:mm:ss}");
            Assert.True(slots[^1] > restartedAt.AddSeconds(3), $"the last slot {slots[^1]:HH:mm:ss} is not well after the restart at {restartedAt:HH:mm:ss}");
            Assert.Equal(FlowState.Completed, Assert.Single(flows.Select(f => f.State).Distinct()));
        }
    }

    private async Task<SqliteFlowStore> OpenAsync()
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = cli.Db });
        await store.InitializeAsync(default);
        return store;
    }

    private static VerbsOver Verbs(SqliteFlowStore store)
    {
        var registry = new TaskRegistry().AddBuiltIns();
        var engine = new FlowEngine(store, registry);
        return new VerbsOver(engine, new ScheduleVerbs(store, new SpecInput(registry, SpecLimits.Default), new ScheduleRunner(engine), TimeProvider.System));
    }

    private static async Task<List<FlowRecord>> ListAsync(SqliteFlowStore store)
    {
        var flows = new List<FlowRecord>();
        string? after = null;
        do
        {
            var page = await store.ListFlowsAsync(new FlowQuery { Schedule = Name, Limit = 200, After = after }, default);
            flows.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return flows;
    }

    private sealed record VerbsOver(FlowEngine Engine, ScheduleVerbs Verbs) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Engine.DisposeAsync();
    }

    /// <summary>The built tool's <c>serve</c> as a child process on a free port, up once its banner names the dashboard.</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder log = new();

        private ServeProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static async Task<ServeProcess> StartAsync(CliFixture cli)
        {
            int port;
            using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            }

            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cli.Folder, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--db", cli.Db })
            {
                start.ArgumentList.Add(arg);
            }

            var serve = new ServeProcess(Process.Start(start)!);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!serve.Log.Contains("dashboard: ", StringComparison.Ordinal))
            {
                Assert.False(serve.process.HasExited, $"serve exited:\n{serve.Log}");
                Assert.True(DateTime.UtcNow < deadline, $"no banner in 60 s:\n{serve.Log}");
                await Task.Delay(50);
            }

            return serve;
        }

        private string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        /// <summary>SIGKILL: no shutdown, no release of leases.</summary>
        public async Task KillAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.AppendLine(line);
                }
            }
        }
    }
}
