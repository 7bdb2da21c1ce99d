using System.Text.Json.Nodes;
using FlowMachine.Diagnosis;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Flows that wait for an event by correlation key (the <c>wait</c> built-in with <c>event</c> and <c>key</c>), on every store.</summary>
public abstract class KeyedEventScenarios : ScenarioBase
{
    private const string Spec = """
        tasks:
          - { key: packed, task_type: wait, task_params: { event: shipment.packed, key: "$input.order" } }
          - { key: after, task_type: noop }
        """;

    private static async Task<string> StartAsync(EngineHarness h, string order, string? owner = null)
    {
        var started = await h.Engine.StartAsync(new StartFlowRequest { SpecText = Spec, Input = new JsonObject { ["order"] = order }, Owner = owner });
        return started.Flow.Id;
    }

    /// <summary>A flow whose two branches wait for shipment.packed, the left with key <paramref name="left"/>, the right with <paramref name="right"/>, then join.</summary>
    private static async Task<string> StartBranchesAsync(EngineHarness h, string left, string right)
    {
        var started = await h.Engine.StartAsync(new StartFlowRequest
        {
            SpecText = """
                tasks:
                  - { key: begin, task_type: noop }
                  - { key: left, task_type: wait, task_params: { event: shipment.packed, key: "$input.left" }, precursors: [begin] }
                  - { key: right, task_type: wait, task_params: { event: shipment.packed, key: "$input.right" }, precursors: [begin] }
                  - { key: join, task_type: noop, precursors: [left, right] }
                """,
            Input = new JsonObject { ["left"] = left, ["right"] = right },
        });
        return started.Flow.Id;
    }

    [Fact]
    public async Task One_raise_resumes_every_flow_waiting_for_the_key_with_its_value()
    {
        await using var h = await NewHarnessAsync();
        var waiting = new[] { await StartAsync(h, "A-1"), await StartAsync(h, "A-1"), await StartAsync(h, "A-1") };
        var other = await StartAsync(h, "B-2");
        foreach (var id in waiting.Append(other))
        {
            Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        }

        var raised = await h.Engine.RaiseKeyedEventAsync("shipment.packed", "A-1", new JsonObject { ["box"] = 3 }, null, null);
        Assert.Equal(new KeyedEventResult(3, false), raised);
        foreach (var id in waiting)
        {
            var view = await h.RunAsync(id);
            Assert.Equal(FlowState.Completed, view.State);
            Assert.Equal(3, view.Steps.Single(s => s.Key == "packed").Result!["box"]!.GetValue<int>());
        }

        Assert.Equal(FlowState.Waiting, (await h.RunAsync(other)).State);
    }

    [Fact]
    public async Task An_event_raised_before_the_flow_waits_resumes_it_at_once()
    {
        await using var h = await NewHarnessAsync();
        Assert.Equal(0, (await h.Engine.RaiseKeyedEventAsync("shipment.packed", "A-1", "early", "evt-1", null)).Reached);

        var id = await StartAsync(h, "A-1");
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("early", view.Steps.Single(s => s.Key == "packed").Result!.GetValue<string>());

        // A repeated id does nothing, and a kept event past its time (24 hours) is not delivered.
        Assert.True((await h.Engine.RaiseKeyedEventAsync("shipment.packed", "A-1", "again", "evt-1", null)).Duplicate);
        h.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(await StartAsync(h, "A-1"))).State);
    }

    [Fact]
    public async Task A_users_event_reaches_only_their_flows_and_the_diagnosis_names_the_key()
    {
        await using var h = await NewHarnessAsync();
        var alice = await StartAsync(h, "A-1", "alice");
        var bob = await StartAsync(h, "A-1", "bob");
        await h.RunAsync(alice);
        await h.RunAsync(bob);

        var why = await new FlowDiagnoser(h.Store, h.Time).DiagnoseAsync(bob, default);
        Assert.Contains("waits for event shipment.packed with key A-1", why!.Summary, StringComparison.Ordinal);
        Assert.Equal("A-1", why.Facts.EventKey);

        Assert.Equal(1, (await h.Engine.RaiseKeyedEventAsync("shipment.packed", "A-1", 1, null, "alice")).Reached);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(alice)).State);
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(bob)).State);
    }

    [Fact]
    public async Task A_flow_cancelled_while_it_waits_by_key_is_not_reached()
    {
        await using var h = await NewHarnessAsync();
        var id = await StartAsync(h, "A-1");
        await h.RunAsync(id);
        await h.Engine.CancelAsync(id);
        Assert.Equal(FlowState.Cancelled, (await h.RunAsync(id)).State);

        Assert.Empty(await h.Store.GetKeyedWaitsAsync(id, default));
        Assert.Equal(0, (await h.Engine.RaiseKeyedEventAsync("shipment.packed", "A-1", 1, null, null)).Reached);
    }

    [Fact]
    public async Task Two_branches_waiting_for_one_event_name_with_different_keys_each_take_only_their_key()
    {
        await using var h = await NewHarnessAsync();
        var id = await StartBranchesAsync(h, left: "B", right: "A");
        var both = await h.RunAsync(id);
        Assert.Equal((StepState.Waiting, StepState.Waiting), (both.Step("left").State, both.Step("right").State));
        // The left branch (first in the flow) waits for B: an event for A that reached the flow by name alone would resume it.
        Assert.Equal(("B", "A"), (both.Step("left").WaitKey, both.Step("right").WaitKey));

        Assert.Equal(1, (await h.Engine.RaiseKeyedEventAsync("shipment.packed", "A", "value of A", null, null)).Reached);
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal((StepState.Completed, "value of A"), (view.Step("right").State, view.Step("right").Result!.GetValue<string>()));
        Assert.Equal(StepState.Waiting, view.Step("left").State);
        Assert.Equal("B", view.Step("left").WaitKey);
        Assert.Equal([new KeyedWait("left", "shipment.packed", "B")], await h.Store.GetKeyedWaitsAsync(id, default));

        Assert.Equal(1, (await h.Engine.RaiseKeyedEventAsync("shipment.packed", "B", "value of B", null, null)).Reached);
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("value of A", view.Step("right").Result!.GetValue<string>());
        Assert.Equal("value of B", view.Step("left").Result!.GetValue<string>());
        Assert.Null(view.Step("left").WaitKey);
    }

    [Fact]
    public async Task A_kept_event_reaches_only_the_branch_waiting_with_its_key()
    {
        await using var h = await NewHarnessAsync();
        Assert.Equal(0, (await h.Engine.RaiseKeyedEventAsync("shipment.packed", "B", "early B", null, null)).Reached);
        var id = await StartBranchesAsync(h, left: "A", right: "B");
        var view = await h.RunAsync(id);
        Assert.Equal((StepState.Waiting, StepState.Completed), (view.Step("left").State, view.Step("right").State));
        Assert.Equal("early B", view.Step("right").Result!.GetValue<string>());

        // An event raised for the flow itself (no key) resumes a step waiting for its name, as before.
        await h.Engine.RaiseEventAsync(id, "shipment.packed", "for the flow");
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("for the flow", view.Step("left").Result!.GetValue<string>());
    }
}
