using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Tests.Specs;

namespace FlowMachine.Tests.Operations;

/// <summary>Listing schedules reads the last flows of a whole page of schedules at once, not one flow per schedule.</summary>
public sealed class ScheduleVerbsListTests
{
    private static readonly Caller Admin = new("admin", IsAdmin: true);

    [Fact]
    public async Task Listing_reads_the_last_flows_of_all_schedules_in_one_store_read()
    {
        var store = new InMemoryFlowStore();
        var registry = TestCatalog.Create();
        await using var engine = new FlowEngine(store, registry);
        var counted = CountingStore.Over(store);
        var verbs = new ScheduleVerbs((IFlowStore)counted, new SpecInput(registry, SpecLimits.Default), new ScheduleRunner(engine), TimeProvider.System);
        var spec = JsonNode.Parse("""{"tasks":["test.One"]}""");
        foreach (var name in new[] { "a", "b", "c", "never" })
        {
            var added = await verbs.AddAsync(name, new ScheduleDefinition { Spec = spec!.DeepClone(), Every = TimeSpan.FromHours(1), Input = new JsonObject { ["n"] = 1 } }, paused: false, null, "admin");
            Assert.Equal(ScheduleOutcome.Created, added.Outcome);
        }

        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.Equal(ScheduleOutcome.Ok, (await verbs.TriggerAsync(name, Admin)).Outcome);
        }

        var b = (await verbs.GetAsync("b"))!.LastFlowId!;
        Assert.Equal(FlowState.Completed, (await engine.RunAsync(b)).State);
        counted.Calls.Clear();

        var listed = await verbs.ListAsync();

        Assert.Equal(1, counted.Calls.GetValueOrDefault(nameof(IFlowQueryStore.GetFlowStatesAsync)));
        Assert.Equal(0, counted.Calls.GetValueOrDefault(nameof(IFlowQueryStore.GetFlowAsync)));
        var byName = listed.ToDictionary(s => s.Name);
        Assert.Equal(("PENDING", "COMPLETED", "PENDING"), (byName["a"].LastFlowState, byName["b"].LastFlowState, byName["c"].LastFlowState));
        Assert.Null(byName["never"].LastFlowState);
        Assert.All(listed, s => Assert.Equal(FlowMachineDefaults.Schedules.ShownFireTimes, s.NextFireTimes.Count));

        // The documents of one definition, read once, are each their own: changing one changes no other.
        ((JsonObject)byName["a"].Input!)["n"] = 2;
        Assert.Equal(1, (int?)(await verbs.ListAsync()).Single(s => s.Name == "a").Input!["n"]);
    }
}
