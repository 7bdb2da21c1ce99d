using FlowMachine.Testing.Tests.Tasks;

namespace FlowMachine.Testing.Tests;

/// <summary>Typed tasks in the testing kit: typed results in assertions and through the host's client.</summary>
public sealed class TypedTaskTests
{
    private const string Spec = "tasks: [{ key: price, task_type: shop.Price, task_params: { amount: $input.amount, shipping: air } }]";

    [Fact]
    public async Task Typed_results_pass_typed_checks_and_read_through_the_client()
    {
        await using var host = new FlowTestHost().AddTask<PriceOrder>();
        var flow = await host.RunAsync(Spec, new { amount = 100 });

        flow.ShouldBeCompleted()
            .ShouldHaveResult<Price>(p => p.Total == 120 && p.Shipping == Shipping.Air)
            .ShouldHaveStepResult<Price>("price", p => p == new Price(120, Shipping.Air));
        Assert.Equal(new Price(120, Shipping.Air), flow.ResultAs<Price>());
        Assert.Equal(new Price(120, Shipping.Air), await host.Client.GetResultAsync<Price>(flow.Id));
        Assert.Equal(new Price(120, Shipping.Air), await host.Client.GetStepResultAsync<Price>(flow.Id, "price"));
    }

    [Fact]
    public async Task A_typed_check_that_fails_or_a_result_of_another_shape_describes_the_flow()
    {
        await using var host = new FlowTestHost().AddTask<PriceOrder>();
        var flow = await host.RunAsync(Spec, new { amount = 100 });

        var wrong = Assert.Throws<FlowAssertionException>(() => flow.ShouldHaveResult<Price>(p => p.Total == 1));
        Assert.Contains("does not pass the check", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("flow " + flow.Id + " is COMPLETED", wrong.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<FlowAssertionException>(() => flow.ShouldHaveStepResult<int>("price", n => n > 0));
        Assert.Contains("cannot be read as Int32", shape.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_param_that_breaks_a_rule_fails_the_flow_at_once()
    {
        await using var host = new FlowTestHost().AddTask<PriceOrder>();
        var flow = await host.RunAsync(Spec, new { amount = 5000 });

        flow.ShouldBeFailed("param 'amount': The field amount must be between 1 and 1000.");
        Assert.Equal(1, flow.Attempts("price"));
        var error = Assert.Throws<FlowAssertionException>(() => flow.ShouldHaveResult<Price>(_ => true));
        Assert.Contains("expected the flow to be COMPLETED", error.Message, StringComparison.Ordinal);
    }
}
