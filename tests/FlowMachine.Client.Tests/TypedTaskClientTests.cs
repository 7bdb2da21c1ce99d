using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using FlowMachine.Client.Tests.Support;
using FlowMachine.Registry;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Client.Tests;

/// <summary>Typed tasks over HTTP: the params schema in the catalogue, literal params checked on save, typed results.</summary>
public sealed class TypedTaskClientTests : IClassFixture<TestServerFixture>
{
    private readonly TestServerFixture server;

    public TypedTaskClientTests(TestServerFixture server)
    {
        this.server = server;
        server.App.Services.GetRequiredService<TaskRegistry>().Register<QuoteTask>();
    }

    [Fact]
    public async Task A_flows_result_and_a_steps_result_read_as_their_types_over_http()
    {
        var client = server.Client();
        var spec = JsonNode.Parse("""{"tasks":[{"key":"quote","task_type":"client.Quote","task_params":{"sku":"$input.sku","quantity":3,"tier":"gold"}}]}""")!;
        var started = await client.StartAsync(new StartFlowRequest { SpecNode = spec, Input = new JsonObject { ["sku"] = "ab-1" } });
        await client.WaitForCompletionAsync(started.Flow.Id, TimeSpan.FromSeconds(30));

        Assert.Equal(new Quote("ab-1", 30, Tier.Gold), await client.GetResultAsync<Quote>(started.Flow.Id));
        Assert.Equal(new Quote("ab-1", 30, Tier.Gold), await client.GetStepResultAsync<Quote>(started.Flow.Id, "quote"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => client.GetResultAsync<Quote>("no-such-flow"));
    }

    [Fact]
    public async Task A_param_that_breaks_a_rule_fails_the_flow_at_once_and_the_result_says_so()
    {
        var client = server.Client();
        var spec = JsonNode.Parse("""{"tasks":[{"key":"quote","task_type":"client.Quote","task_params":{"sku":"$input.sku","quantity":3},"retry":{"attempts":3,"delay":60}}]}""")!;
        var started = await client.StartAsync(new StartFlowRequest { SpecNode = spec, Input = new JsonObject { ["sku"] = "" } });
        var done = await client.WaitForCompletionAsync(started.Flow.Id, TimeSpan.FromSeconds(30));

        Assert.Equal(FlowState.Failed, done.State);
        Assert.Equal(1, done.Step("quote").Attempts);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResultAsync<Quote>(started.Flow.Id));
        Assert.Contains("is FAILED", error.Message, StringComparison.Ordinal);
        Assert.Contains("param 'sku': The sku field is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_catalogue_carries_the_params_schema_and_a_wrong_literal_is_refused_with_its_path()
    {
        var client = server.Client();
        var quote = (await client.ListTaskTypesAsync()).Single(t => t.Name == "client.Quote");
        Assert.Equal("integer", (string?)quote.ParamsSchema!["properties"]!["quantity"]!["type"]);
        Assert.Equal(1, (int?)quote.ParamsSchema["properties"]!["quantity"]!["minimum"]);
        Assert.Null((await client.ListTaskTypesAsync()).Single(t => t.Name == "test.One").ParamsSchema);

        var spec = JsonNode.Parse("""{"tasks":[{"key":"quote","task_type":"client.Quote","task_params":{"sku":"a","quantity":"three","colour":"red"}}]}""")!;
        var refused = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.SaveRoutineAsync("typed-quote", spec));
        Assert.Contains("takes an integer here, not a string", refused.Problem.Errors["spec.tasks[0].task_params.quantity"][0], StringComparison.Ordinal);
        Assert.Contains("has no param 'colour'", refused.Problem.Errors["spec.tasks[0].task_params.colour"][0], StringComparison.Ordinal);
    }
}

public enum Tier
{
    Standard,
    Gold,
}

public sealed class QuoteParams
{
    [Required]
    public string? Sku { get; init; }

    [Range(1, 100)]
    public required int Quantity { get; init; }

    public Tier Tier { get; init; }
}

public sealed record Quote(string Sku, int Total, Tier Tier);

[TaskType("client.Quote")]
public sealed class QuoteTask : FlowTask<QuoteParams, Quote>
{
    protected override ValueTask<Quote> PerformAsync(QuoteParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Quote(parameters.Sku!, parameters.Quantity * 10, parameters.Tier));
}
