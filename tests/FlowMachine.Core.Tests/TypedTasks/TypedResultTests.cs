using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.TypedTasks;

/// <summary>Typed results through the in-process client.</summary>
public sealed class TypedResultTests
{
    [Fact]
    public async Task A_completed_flows_result_and_a_steps_result_read_as_their_types()
    {
        await using var h = new EngineHarness();
        h.Registry.Register<ChargeTask>();
        IFlowClient client = new FlowClient(h.Engine);
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: charge, task_type: t.typed.charge, task_params: { amount: 42, currency: EUR, speed: express } }
              - { key: nothing, task_type: noop }
              - { key: finish, task_type: done, task_params: { value: $tasks.charge.result } }
            """);

        Assert.Equal(new ChargeResult("EUR-42-", 42, Speed.Express), await client.GetResultAsync<ChargeResult>(view.Flow.Id));
        Assert.Equal(new ChargeResult("EUR-42-", 42, Speed.Express), await client.GetStepResultAsync<ChargeResult>(view.Flow.Id, "charge"));
        Assert.Equal(42, (await client.GetResultAsync<JsonObject>(view.Flow.Id))!["amount"]!.GetValue<int>());
        Assert.Null(await client.GetStepResultAsync<ChargeResult>(view.Flow.Id, "nothing")); // completed with no result
    }

    [Fact]
    public async Task A_flow_or_step_without_a_result_yet_says_its_state_and_a_missing_one_is_not_found()
    {
        await using var h = new EngineHarness();
        IFlowClient client = new FlowClient(h.Engine);
        var waiting = await h.StartAndRunAsync("tasks: [{ key: gate, task_type: wait, task_params: { reason: sign off } }, { key: after, task_type: noop }]");
        var failed = await h.StartAndRunAsync("tasks: [{ key: boom, task_type: fail, task_params: { error: out of stock } }]");

        var notYet = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResultAsync<int>(waiting.Flow.Id));
        Assert.Equal($"Flow {waiting.Flow.Id} is WAITING, not COMPLETED: it has no result yet.", notYet.Message);
        var never = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResultAsync<int>(failed.Flow.Id));
        Assert.StartsWith($"Flow {failed.Flow.Id} is FAILED (", never.Message, StringComparison.Ordinal);
        Assert.Contains("out of stock", never.Message, StringComparison.Ordinal);
        Assert.EndsWith("not COMPLETED: it has no result.", never.Message, StringComparison.Ordinal);

        var step = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetStepResultAsync<string>(waiting.Flow.Id, "gate"));
        Assert.Equal($"Step 'gate' of flow {waiting.Flow.Id} is WAITING, not COMPLETED: it has no result yet.", step.Message);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => client.GetStepResultAsync<string>(waiting.Flow.Id, "nope"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => client.GetResultAsync<string>("no-such-flow"));
    }

    [Fact]
    public async Task A_result_that_does_not_read_as_the_type_names_the_flow_and_the_type()
    {
        await using var h = new EngineHarness();
        IFlowClient client = new FlowClient(h.Engine);
        var view = await h.StartAndRunAsync("tasks: [{ key: finish, task_type: done, task_params: { value: not a number } }]");

        var error = await Assert.ThrowsAsync<JsonException>(() => client.GetResultAsync<int>(view.Flow.Id));
        Assert.StartsWith($"the result of flow {view.Flow.Id} cannot be read as Int32", error.Message, StringComparison.Ordinal);
    }
}
