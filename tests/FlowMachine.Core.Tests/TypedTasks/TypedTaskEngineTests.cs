using System.Text.Json.Nodes;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.TypedTasks;

public sealed class TypedTaskEngineTests
{
    [Fact]
    public async Task A_typed_task_runs_with_interpolated_params_and_its_result_is_stored_as_json()
    {
        await using var h = new EngineHarness();
        h.Registry.Register<ChargeTask>();
        var view = await h.StartAndRunAsync(
            "tasks: [{ key: charge, task_type: t.typed.charge, task_params: { amount: $input.amount, currency: EUR, speed: express } }]",
            JsonNode.Parse("""{ "amount": 42 }"""));

        Assert.Equal(FlowState.Completed, view.State);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "receipt": "EUR-42-", "amount": 42, "speed": 1 }"""), view.Steps[0].Result));
    }

    [Fact]
    public async Task A_param_that_breaks_a_rule_fails_the_step_at_once_without_a_retry()
    {
        await using var h = new EngineHarness();
        h.Registry.Register<ChargeTask>();
        var runs = ChargeTask.Runs;
        var view = await h.StartAndRunAsync(
            "tasks: [{ key: charge, task_type: t.typed.charge, task_params: { amount: $input.amount, currency: EUR }, retry: { attempts: 3, delay: 1 } }]",
            JsonNode.Parse("""{ "amount": 5000 }"""));

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal(1, view.Steps[0].Attempts);
        Assert.Contains("param 'amount': The field amount must be between 1 and 1000.", view.Flow.Error, StringComparison.Ordinal);
        Assert.Equal(runs, ChargeTask.Runs);
    }

    [Fact]
    public async Task A_typed_task_returning_an_outcome_can_wait_and_finish_the_flow()
    {
        await using var h = new EngineHarness();
        h.Registry.Register<GateTask>();
        Assert.Equal(FlowState.Waiting, (await h.StartAndRunAsync("tasks: [{ key: gate, task_type: t.typed.gate }]")).State);

        var view = await h.StartAndRunAsync("tasks: [{ key: gate, task_type: t.typed.gate, task_params: { open: true } }, { key: later, task_type: noop }]");
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("through", view.Flow.Result!.GetValue<string>());
    }
}
