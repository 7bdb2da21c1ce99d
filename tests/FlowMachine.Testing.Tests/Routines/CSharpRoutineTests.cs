using System.ComponentModel.DataAnnotations;
using FlowMachine.Routines;
using FlowMachine.Specs;
using FlowMachine.Testing;

namespace FlowMachine.Testing.Tests.Routines;

/// <summary>Routines built in C# in the test host: stored, versioned, run with typed tasks.</summary>
public sealed class CSharpRoutineTests
{
    internal sealed class QuoteParams
    {
        [Range(1, 100)]
        public required int Items { get; init; }

        public string? Customer { get; init; }
    }

    internal sealed record Quote(string Customer, int Total);

    [TaskType("test.routines.quote")]
    internal sealed class QuoteTask : FlowTask<QuoteParams, Quote>
    {
        protected override ValueTask<Quote> PerformAsync(QuoteParams parameters, TaskContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new Quote(parameters.Customer ?? "anonymous", parameters.Items * 5));
    }

    private static RoutineDefinition Checkout(string greeting)
    {
        var routine = Routine.Define("checkout");
        var quote = routine.Step<QuoteTask, QuoteParams>("quote", new QuoteParams { Items = 1, Customer = Ref.Input("customer") })
            .Param(p => p.Items, Ref.Input("items"));
        routine.Done("done", new { greeting, total = quote.ResultField((Quote q) => q.Total) });
        return routine.Build();
    }

    [Fact]
    public async Task A_csharp_routine_runs_with_typed_results_and_a_new_version_only_when_it_changed()
    {
        await using var host = new FlowTestHost().AddTask<QuoteTask>();

        Assert.Equal(1, await host.AddRoutineAsync(Checkout("thanks")));
        Assert.Equal(1, await host.AddRoutineAsync(Checkout("thanks")));
        var flow = await host.RunRoutineAsync("checkout", new { customer = "ada", items = 3 });

        flow.ShouldBeCompleted();
        Assert.Equal(new Quote("ada", 15), flow.StepResult<Quote>("quote"));
        Assert.Equal(15, flow.Result!["total"]!.GetValue<int>());
        Assert.Equal(2, await host.AddRoutineAsync(Checkout("thank you")));
        Assert.Equal(1, flow.Flow.RoutineVersion);
    }

    [Fact]
    public async Task A_routine_with_a_task_the_host_lacks_is_refused()
    {
        await using var host = new FlowTestHost();

        var error = await Assert.ThrowsAsync<SpecException>(() => host.AddRoutineAsync(Checkout("thanks")));

        Assert.Contains("tasks[0].task_type", error.Message, StringComparison.Ordinal);
    }
}
