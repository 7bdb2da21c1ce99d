using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// Four worker processes on one PostgreSQL database fire a schedule due every second for a minute: one flow per
/// slot and no slot missing, also while one worker is SIGKILLed every ten seconds (and started again).
/// </summary>
public sealed class ScheduleWorkerProcessTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Workers = 4;
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillEvery = TimeSpan.FromSeconds(10);

    [PostgresFact]
    public Task Four_worker_processes_fire_a_one_second_schedule_once_per_slot_for_a_minute() => FireForAMinuteAsync("steady", kill: false);

    [PostgresFact]
    public Task One_of_four_worker_processes_SIGKILLed_every_ten_seconds_loses_and_doubles_no_slot() => FireForAMinuteAsync("killed", kill: true);

    private async Task FireForAMinuteAsync(string name, bool kill)
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        var workers = Enumerable.Range(0, Workers).Select(i => new WorkerProcess($"{name}-w{i}", db.ConnectionString, concurrency: 8, leaseSeconds: 2)).ToList();
        var kills = new List<string>();
        var registry = new TaskRegistry().AddBuiltIns();
        await using var engine = new FlowEngine(run.Store, registry);
        var verbs = new ScheduleVerbs(run.Store, new SpecInput(registry, SpecLimits.Default), new ScheduleRunner(engine), TimeProvider.System);
        try
        {
            await Task.WhenAll(workers.Select(w => w.ReadyAsync()));
            var created = await verbs.AddAsync(name, new ScheduleDefinition
            {
                Spec = JsonNode.Parse("""{ "tasks": ["noop"] }"""),
                Every = TimeSpan.FromSeconds(1),
                Overlap = ScheduleOverlap.Allow,
            }, paused: false, note: null, owner: null);
            Assert.True(created.Succeeded, $"{created.Outcome}: {string.Join("; ", created.Errors.Select(e => $"{e.Path}: {e.Message}"))}");

            var clock = Stopwatch.StartNew();
            var random = new Random(20261206);
            for (var round = 1; kill && KillEvery * round < Run; round++)
            {
                // A random moment in each ten seconds, so that kills land anywhere relative to the firings.
                await WaitUntilAsync(clock, KillEvery * round - TimeSpan.FromMilliseconds(random.Next(0, 1000)));
                var victim = random.Next(Workers);
                await workers[victim].KillAsync();
                workers[victim].Dispose();
                kills.Add($"{workers[victim].Name} at {clock.Elapsed.TotalSeconds:F1} s");
                workers[victim] = new WorkerProcess($"{name}-w{victim}-{round}", db.ConnectionString, concurrency: 8, leaseSeconds: 2);
                await workers[victim].ReadyAsync();
            }

            await WaitUntilAsync(clock, Run);

            // Paused, the schedule starts nothing more; the workers finish what it started.
            Assert.True((await verbs.PauseAsync(name, "test over", new Caller("test", IsAdmin: true))).Succeeded);
            var flows = await ListAsync(run.Store, name);
            await MultiProcessRun.WaitUntilAsync(async () => (flows = await ListAsync(run.Store, name)).All(f => f.State == FlowState.Completed),
                "the schedule's flows to complete");
            var lags = flows.Select(f => (f.CreatedAt - f.Slot!.Value).TotalMilliseconds).Order().ToList();
            output.WriteLine($"{flows.Count} flows from {Workers} worker processes in {clock.Elapsed.TotalSeconds:F1} s; created after their slot: " +
                $"median {lags[lags.Count / 2]:F0} ms, max {lags[^1]:F0} ms");
            output.WriteLine(kill ? "SIGKILLed: " + string.Join(", ", kills) : "no kills");

            AssertOnePerSlot(name, flows);
            Assert.True(flows.Count >= Run.TotalSeconds - 5, $"{flows.Count} slots fired in {Run.TotalSeconds} s");
            Assert.Equal(kill ? (int)(Run / KillEvery) - 1 : 0, kills.Count);
            Assert.All(workers, w => Assert.DoesNotContain(w.Errors, e => e.Contains("Unhandled exception", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }
    }

    private static async Task WaitUntilAsync(Stopwatch clock, TimeSpan at)
    {
        if (at - clock.Elapsed is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>Each slot once, with its key, and every second from the first slot to the last.</summary>
    private static void AssertOnePerSlot(string name, List<FlowRecord> flows)
    {
        Assert.NotEmpty(flows);
        Assert.All(flows, f => Assert.Equal(ScheduleKeys.For(name, f.Slot ?? throw new Xunit.Sdk.XunitException($"{f.Id} has no slot")), f.Key));
        var bySlot = flows.GroupBy(f => f.Slot!.Value).OrderBy(g => g.Key).ToList();
        var twice = bySlot.Where(g => g.Count() > 1).Select(g => $"{g.Key:HH:mm:ss}: {string.Join(", ", g.Select(f => f.Id))}").ToList();
        Assert.True(twice.Count == 0, "slots with more than one flow: " + string.Join("; ", twice));
        var missing = bySlot.Zip(bySlot.Skip(1)).Where(p => p.Second.Key - p.First.Key != TimeSpan.FromSeconds(1))
            .Select(p => $"after {p.First.Key:HH:mm:ss} came {p.Second.Key:HH:mm:ss}").ToList();
        Assert.True(missing.Count == 0, "slots missing: " + string.Join("; ", missing));
    }

    private static async Task<List<FlowRecord>> ListAsync(PostgresFlowStore store, string schedule)
    {
        var flows = new List<FlowRecord>();
        string? after = null;
        do
        {
            var page = await store.ListFlowsAsync(new FlowQuery { Schedule = schedule, Limit = 200, After = after }, default);
            flows.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return flows;
    }
}
