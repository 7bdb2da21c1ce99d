using FlowMachine.Engine;
using FlowMachine.Specs;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Invalid specs never reach the store; a step's cost does not grow with the flow's length.</summary>
public abstract class StartValidationScenarios : ScenarioBase
{
    [Theory]
    [InlineData("tasks: [test.One, no.such.Task]", "tasks[1]")]
    [InlineData("tasks:\n  - { key: a, task_type: noop, precursors: [b] }\n  - { key: b, task_type: noop, precursors: [a] }", "cycle")]
    [InlineData("tasks:\n  - { key: a, task_type: noop, precursors: [ghost] }", "tasks[0].precursors[0]")]
    [InlineData("tasks:\n  - { key: a, task_type: noop }\n  - { key: a, task_type: noop }", "tasks[1].key")]
    [InlineData("tasks: [test.One\nlabel: x: y", "YAML is not valid")]
    [InlineData("{ \"tasks\": [ ", "$")]
    public async Task An_invalid_spec_is_refused_naming_the_path_and_nothing_is_stored(string spec, string named)
    {
        await using var h = await NewHarnessAsync();

        var error = await Assert.ThrowsAsync<SpecException>(() => h.Engine.StartAsync(new StartFlowRequest { SpecText = spec }));

        Assert.Contains(named, error.Message);
        Assert.Empty((await h.Store.ListFlowsAsync(new FlowQuery(), default)).Items);
    }

    [Fact]
    public async Task Starting_an_unknown_routine_is_refused_clearly()
    {
        await using var h = await NewHarnessAsync();
        var error = await Assert.ThrowsAsync<SpecException>(() => h.Engine.StartAsync(new StartFlowRequest { Routine = "nope" }));
        Assert.Contains("routine 'nope' does not exist", error.Message);
    }

    [Fact]
    public async Task A_flow_stays_pinned_to_the_routine_version_it_started_on()
    {
        await using var h = await NewHarnessAsync();
        var now = h.Time.GetUtcNow();
        await h.Store.SaveRoutineAsync("r", """{"tasks":[{"key":"a","task_type":"test.Wait","task_params":{},"precursors":[]},{"key":"b","task_type":"test.One","task_params":{},"precursors":["a"]}]}""", null, now, default);
        var id = (await h.Engine.StartAsync(new StartFlowRequest { Routine = "r" })).Flow.Id;
        await h.RunAsync(id);
        var v2 = await h.Store.SaveRoutineAsync("r", """{"tasks":[{"key":"a","task_type":"test.Wait","task_params":{},"precursors":[]},{"key":"z","task_type":"test.Two","task_params":{},"precursors":["a"]}]}""", null, now, default);
        Assert.Equal(2, v2.Version);

        await h.Engine.PushAsync(id, null);
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, view.Flow.RoutineVersion);
        Assert.Equal(["a", "b"], view.Steps.Select(s => s.Key));
    }

    [Fact]
    public async Task Each_step_commits_a_constant_number_of_rows_however_long_the_flow()
    {
        await using var h = await NewHarnessAsync();
        var tasks = string.Join(", ", Enumerable.Repeat("noop", 1000));
        var view = await h.StartAndRunAsync($"tasks: [{tasks}]");

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1000, view.Flow.Position);
        // One transaction per step (plus the first), each touching at most the finished step and the next one.
        Assert.InRange(h.Transitions.Count, 1000, 1002);
        Assert.All(h.Transitions, t => Assert.InRange(t.Steps.Count, 1, 2));
        Assert.All(h.Transitions, t => Assert.InRange(t.History.Count, 1, 4));
    }
}
