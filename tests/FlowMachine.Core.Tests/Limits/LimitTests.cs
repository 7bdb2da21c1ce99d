using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Tests.Specs;

namespace FlowMachine.Tests.Limits;

/// <summary>Specs and results over their limits are refused with an error that names the limit; under them nothing changes.</summary>
public sealed class LimitTests
{
    private static readonly SpecLimits Small = new() { MaxBytes = 2000, MaxSteps = 5 };

    private static string Linear(int steps) => "tasks: [" + string.Join(", ", Enumerable.Range(0, steps).Select(_ => "noop")) + "]";

    [Fact]
    public void The_defaults_are_one_mebibyte_and_ten_thousand_steps()
    {
        Assert.Equal(1024 * 1024, SpecLimits.Default.MaxBytes);
        Assert.Equal(10_000, SpecLimits.Default.MaxSteps);
        Assert.Equal(1024 * 1024, new FlowEngineOptions().MaxResultBytes);
    }

    [Fact]
    public void Spec_text_over_the_byte_limit_is_refused_at_the_root_naming_the_limit()
    {
        var text = "label: " + new string('x', 3000) + "\ntasks: [noop]";
        var result = SpecCompiler.Compile(text, TestCatalog.Create(), Small);
        SpecAssert.HasError(result.Errors, "$", "3,021 bytes", "limit of 2,000 bytes", "SpecLimits.MaxBytes");
        Assert.True(SpecCompiler.Compile(text, TestCatalog.Create()).IsValid); // the default allows it
    }

    [Fact]
    public void A_parsed_spec_over_the_byte_limit_is_refused_too()
    {
        var node = new JsonObject { ["label"] = new string('é', 1500), ["tasks"] = new JsonArray("noop") };
        var result = SpecCompiler.Compile(node, TestCatalog.Create(), Small);
        SpecAssert.HasError(result.Errors, "$", "more than the limit of 2,000 bytes");
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Steps_over_the_limit_are_refused_in_text_and_documents(int steps, bool valid)
    {
        var fromText = SpecCompiler.Compile(Linear(steps), TestCatalog.Create(), Small);
        var fromNode = SpecCompiler.Compile(new JsonObject { ["tasks"] = new JsonArray([.. Enumerable.Range(0, steps).Select(_ => (JsonNode)"noop")]) }, TestCatalog.Create(), Small);
        var fromList = SpecCompiler.Compile(new JsonArray([.. Enumerable.Range(0, steps).Select(_ => (JsonNode)"noop")]), TestCatalog.Create(), Small);
        foreach (var result in new[] { fromText, fromNode, fromList })
        {
            Assert.Equal(valid, result.IsValid);
            if (!valid)
            {
                SpecAssert.HasError(result.Errors, "$", "6 steps", "limit of 5", "SpecLimits.MaxSteps");
            }
        }
    }

    [Fact]
    public async Task The_engine_refuses_a_spec_over_its_limits_and_stores_nothing()
    {
        var store = new InMemoryFlowStore();
        await using var engine = new FlowEngine(store, TestCatalog.Create(), new FlowEngineOptions { SpecLimits = Small });
        var error = await Assert.ThrowsAsync<SpecException>(() => engine.StartAsync(new StartFlowRequest { SpecText = Linear(6) }));
        SpecAssert.HasError(error.Errors, "$", "SpecLimits.MaxSteps");

        var compiledElsewhere = SpecCompiler.Compile(Linear(6), TestCatalog.Create()).Spec!;
        error = await Assert.ThrowsAsync<SpecException>(() => engine.StartAsync(new StartFlowRequest { Spec = compiledElsewhere }));
        SpecAssert.HasError(error.Errors, "$", "limit of 5");
        Assert.Equal(0, (await store.CountFlowsByStateAsync(null, default)).Values.Sum());
    }

    [Fact]
    public void Limits_out_of_range_are_refused_at_start()
    {
        Assert.Throws<ArgumentException>(() => new FlowEngineOptions { MaxResultBytes = 10 }.Validate());
        Assert.Throws<ArgumentException>(() => new FlowEngineOptions { SpecLimits = new SpecLimits { MaxSteps = 0 } }.Validate());
    }

    [Theory]
    [InlineData("result")]
    [InlineData("done")]
    public async Task A_result_over_the_limit_fails_its_step_with_a_clear_error_and_is_not_stored(string kind)
    {
        var registry = new TaskRegistry()
            .Register("big", () => new SizedResultTask(kind, 5000))
            .Register("small", () => new SizedResultTask(kind, 100));
        await using var engine = new FlowEngine(new InMemoryFlowStore(), registry, new FlowEngineOptions { MaxResultBytes = 4096 });

        var big = await engine.RunAsync((await engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [big]" })).Flow.Id);
        Assert.Equal(FlowState.Failed, big.Flow.State);
        var step = big.Steps[0];
        Assert.Equal(StepState.Failed, step.State);
        Assert.Null(step.Result);
        Assert.Equal(1, step.Attempts); // the same result again would not fit either: no retry
        Assert.Contains("5,0", step.Error!.Replace("5002", "5,0", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("more than the limit of 4096 bytes (FlowEngineOptions.MaxResultBytes)", step.Error, StringComparison.Ordinal);

        var small = await engine.RunAsync((await engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [small]" })).Flow.Id);
        Assert.Equal(FlowState.Completed, small.Flow.State);
        Assert.Equal(100, small.Steps[0].Result!.GetValue<string>().Length);
    }

    /// <summary>Returns (or ends the flow with) a string of the given length.</summary>
    private sealed class SizedResultTask(string kind, int length) : IFlowTask
    {
        public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Outcome>(kind == "done" ? Outcome.Done(new string('r', length)) : Outcome.Result(new string('r', length)));
    }
}
