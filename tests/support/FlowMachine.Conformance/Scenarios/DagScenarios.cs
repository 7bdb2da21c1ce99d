using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Seed 004's format, joins, fail_fast, and the built-in control types inside flows.</summary>
public abstract class DagScenarios : ScenarioBase
{
    private static string Example(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", name));

    [Fact]
    public async Task Seed_004_example_spec_runs_unchanged_and_prints_in_order()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync(Example("seed004.yaml"));

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(["I am task_1.", "I am task_2."], h.Log.Lines.ToArray());

        await using var j = await NewHarnessAsync();
        var fromJson = await j.StartAndRunAsync(Example("seed004.json"));
        Assert.Equal(FlowState.Completed, fromJson.State);
        Assert.Equal(h.Log.Lines.ToArray(), j.Log.Lines.ToArray());
    }

    [Fact]
    public async Task A_join_runs_only_when_both_branches_completed()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            tasks:
              - { key: a, task_type: t.count }
              - { key: left, task_type: t.count, precursors: [a] }
              - { key: right, task_type: wait, task_params: { reason: "approve" }, precursors: [a] }
              - { key: join, task_type: t.count, precursors: [left, right] }
            """);

        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal(StepState.Completed, view.Step("left").State);
        Assert.Equal(StepState.Pending, view.Step("join").State);
        Assert.Equal(0, Executions.Of(id, "join"));

        await h.Engine.PushAsync(id, JsonValue.Create("approved"), "right");
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, Executions.Of(id, "join"));
    }

    [Fact]
    public async Task The_dag_example_joins_both_branch_results()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync(Example("dag.yaml"));

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("left branch", view.Step("d").Result!["left"]!.GetValue<string>());
        Assert.Equal("right branch", view.Step("d").Result!["right"]!.GetValue<string>());
        Assert.Equal("hello", h.Log.Lines.First());
    }

    [Fact]
    public async Task Without_fail_fast_other_branches_finish_and_the_flow_fails_listing_every_error()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            cfg: { fail_fast: false }
            tasks:
              - { key: root, task_type: noop }
              - { key: bad1, task_type: fail, task_params: { error: "first problem" }, precursors: [root] }
              - { key: bad2, task_type: fail, task_params: { error: "second problem" }, precursors: [root] }
              - { key: good, task_type: t.count, precursors: [root] }
              - { key: after_good, task_type: t.count, precursors: [good] }
              - { key: after_bad, task_type: t.count, precursors: [bad1] }
            """);

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal(StepState.Completed, view.Step("after_good").State);
        Assert.Equal(StepState.Skipped, view.Step("after_bad").State);
        Assert.Contains("first problem", view.Flow.Error);
        Assert.Contains("second problem", view.Flow.Error);
        Assert.Equal(0, Executions.Of(view.Flow.Id, "after_bad"));
    }

    [Fact]
    public async Task With_fail_fast_the_first_failure_fails_the_flow_and_cancels_running_siblings()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: root, task_type: noop }
              - { key: slow, task_type: t.slow, precursors: [root] }
              - { key: bad, task_type: fail, task_params: { error: "stop here" }, precursors: [root] }
              - { key: after, task_type: t.count, precursors: [slow, bad] }
            """);

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains("stop here", view.Flow.Error);
        Assert.DoesNotContain("\n", view.Flow.Error);
        Assert.Equal(StepState.Skipped, view.Step("slow").State);
        Assert.Equal(StepState.Skipped, view.Step("after").State);
        for (var i = 0; i < 100 && !SlowTask.Cancelled.Contains($"{view.Flow.Id}/slow"); i++)
        {
            await Task.Delay(10);
        }

        Assert.Contains($"{view.Flow.Id}/slow", SlowTask.Cancelled);
    }

    [Fact]
    public async Task Wire_sets_flow_data_and_a_later_steps_params_and_interpolation_reads_results()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            data: { greeting: hello }
            tasks:
              - { key: task_1, task_type: print, task_params: { msg: "I am task_1." } }
              - { key: task_2, task_type: print, task_params: { msg: "$tasks.task_1.result" } }
              - { key: setup, task_type: wire, task_params: { data: { answer: 42 }, params: { show: { msg: "wired" } } } }
              - { key: show, task_type: print, task_params: { msg: "placeholder" } }
              - { key: money, task_type: print, task_params: { msg: '\$5 for ${data.greeting}' } }
              - { key: answer, task_type: print, task_params: { msg: "$data.answer" } }
            """);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(["I am task_1.", "I am task_1.", "wired", "$5 for hello", "42"], h.Log.Lines.ToArray());
        Assert.Equal(42, view.Flow.Data["answer"]!.GetValue<int>());
        Assert.Equal(42, view.Step("answer").Result!.GetValue<int>());
    }

    [Theory]
    [InlineData("fast", "quick")]
    [InlineData("slow", "careful")]
    [InlineData("other", "fallback")]
    public async Task Switch_runs_the_first_matching_branch_or_the_default_and_skips_the_others(string kind, string taken)
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync($$"""
            data: { kind: {{kind}} }
            tasks:
              - key: route
                task_type: switch
                task_params:
                  value: $data.kind
                  cases: [ { when: fast, goto: quick }, { when: slow, goto: careful }, { when: fast, goto: careful } ]
                  default: fallback
              - { key: quick, task_type: t.count, precursors: [route] }
              - { key: careful, task_type: t.count, precursors: [route] }
              - { key: fallback, task_type: t.count, precursors: [route] }
              - { key: join, task_type: t.count, precursors: [quick, careful, fallback] }
            """);

        Assert.Equal(FlowState.Completed, view.State);
        foreach (var branch in new[] { "quick", "careful", "fallback" })
        {
            Assert.Equal(branch == taken ? StepState.Completed : StepState.Skipped, view.Step(branch).State);
        }

        Assert.Equal(StepState.Completed, view.Step("join").State);
    }

    [Fact]
    public async Task Switch_with_no_match_and_no_default_fails_clearly()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: route, task_type: switch, task_params: { value: 3, cases: [ { when: 1, goto: one } ] } }
              - { key: one, task_type: t.count, precursors: [route] }
            """);

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains("3", view.Step("route").Error);
        Assert.Equal(StepState.Skipped, view.Step("one").State);
    }

    [Fact]
    public async Task Spread_fans_out_and_collects_results_in_item_order()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync(Example("spread.yaml"));

        Assert.Equal(FlowState.Completed, view.State);
        var perTask = view.Step("per_item_task").Result!.AsArray();
        Assert.Equal(["red", "green", "blue"], perTask.Select(r => r!["params"]!["item"]!.GetValue<string>()));
        var perFlow = view.Step("per_item_flow").Result!.AsArray();
        Assert.Equal([1, 2, 3], perFlow.Select(r => r!.GetValue<int>()));
    }

    [Fact]
    public async Task Every_outcome_example_runs_wire_delay_switch_and_done_from_a_spec_alone()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync(Example("every-outcome.yaml"));
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State); // the durable 1 s delay

        h.Time.Advance(TimeSpan.FromSeconds(1));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(42, view.Flow.Result!.GetValue<int>());
        Assert.Equal(StepState.Skipped, view.Step("stop").State);
        Assert.Equal(StepState.Skipped, view.Step("never").State);
        Assert.Contains("wired by setup", h.Log.Lines);
    }

    [Fact]
    public async Task An_event_raised_before_the_flow_waits_for_it_is_consumed_when_it_does()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            tasks:
              - { key: first, task_type: test.Wait }
              - { key: approval, task_type: wait, task_params: { reason: "needs approval", event: approved } }
              - { key: after, task_type: t.count }
            """);
        await h.RunAsync(id);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RaiseEventAsync(id, "approved", new JsonObject { ["by"] = "ada" })).Status);
        var view = await h.RunAsync(id);
        Assert.Equal(StepState.Waiting, view.Step("first").State); // the event is kept, not lost

        await h.Engine.PushAsync(id, null);
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("ada", view.Step("approval").Result!["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wait_until_a_time_resumes_by_itself()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: nap, task_type: delay, task_params: { seconds: 3600 } }, { key: after, task_type: t.count }]");
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal(h.Time.GetUtcNow().AddHours(1), view.Flow.NextRunAt);

        h.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, Executions.Of(id, "after"));
    }
}
