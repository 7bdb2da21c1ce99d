using FlowMachine.BuiltIns;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Tests.Specs;

namespace FlowMachine.Tests.TypedTasks;

/// <summary>A typed task's literal params are checked against its schema when the spec compiles.</summary>
public sealed class TypedParamsSpecTests
{
    private static SpecResult Compile(string text) => SpecCompiler.Compile(text, new TaskRegistry().AddBuiltIns().Register<ChargeTask>());

    [Fact]
    public void An_unknown_param_is_an_error_at_its_path_naming_the_known_ones()
    {
        var result = Compile("""
            tasks:
              - noop
              - key: a
                task_type: noop
              - key: charge
                task_type: t.typed.charge
                task_params: { amount: 5, currency: EUR, amonut: 6 }
            """);

        Assert.False(result.IsValid);
        var error = SpecAssert.HasError(result.Errors, "tasks[2].task_params.amonut", "'t.typed.charge' has no param 'amonut'", "did you mean 'amount'", "amount, currency, speed, shipTo, tags");
        Assert.Equal(7, error.Line);
    }

    [Theory]
    [InlineData("""{ "amount": "5", "currency": "EUR" }""", "tasks[0].task_params.amount", "takes an integer here, not a string (\"5\")")]
    [InlineData("""{ "amount": 5.5, "currency": "EUR" }""", "tasks[0].task_params.amount", "takes an integer here, not a number (5.5)")]
    [InlineData("""{ "amount": 5, "currency": 978 }""", "tasks[0].task_params.currency", "takes a string here, not an integer (978)")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "speed": "warp" }""", "tasks[0].task_params.speed", "takes one of \"Standard\", \"Express\" here, not \"warp\"")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "shipTo": { "zip": 12345 } }""", "tasks[0].task_params.shipTo.zip", "takes a string here, not an integer")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "shipTo": { "zip": "1", "street": "x" } }""", "tasks[0].task_params.shipTo.street", "has no param 'street'")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "tags": ["a", 2] }""", "tasks[0].task_params.tags[1]", "takes a string here, not an integer")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "shipTo": "Lyon" }""", "tasks[0].task_params.shipTo", "takes an object or null here, not a string")]
    public void A_literal_of_the_wrong_json_type_is_an_error_at_its_path(string taskParams, string path, string fragment)
    {
        var result = Compile($$"""{ "tasks": [{ "key": "charge", "task_type": "t.typed.charge", "task_params": {{taskParams}} }] }""");

        Assert.False(result.IsValid);
        SpecAssert.HasError(result.Errors, path, fragment);
    }

    [Fact]
    public void A_missing_required_param_is_an_error_naming_it()
    {
        var result = Compile("""{ "tasks": [{ "key": "charge", "task_type": "t.typed.charge", "task_params": { "currency": "EUR" } }] }""");

        Assert.False(result.IsValid);
        SpecAssert.HasError(result.Errors, "tasks[0].task_params.amount", "requires task_params.amount", "The amount in cents.");
    }

    [Theory]
    [InlineData("""{ "amount": "$input.amount", "currency": "EUR" }""")]
    [InlineData("""{ "amount": 5, "currency": "${input.currency}", "speed": "$data.speed", "shipTo": "$input.address" }""")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "speed": "express", "Tags": ["a"], "shipTo": { "zip": "12345", "city": null } }""")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "speed": 1, "shipTo": null }""")]
    public void Templates_known_names_and_literals_of_the_right_type_pass(string taskParams)
    {
        var result = Compile($$"""{ "tasks": [{ "key": "charge", "task_type": "t.typed.charge", "task_params": {{taskParams}} }] }""");

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
    }

    [Fact]
    public void A_wrong_literal_of_a_secret_param_is_named_without_its_value()
    {
        var result = SpecCompiler.Compile(
            """{ "tasks": [{ "key": "login", "task_type": "t.typed.login", "task_params": { "user": "ada", "password": 12345678 } }] }""",
            new TaskRegistry().Register<LoginTask>());

        var error = SpecAssert.HasError(result.Errors, "tasks[0].task_params.password", "takes a string here, not an integer");
        Assert.DoesNotContain("12345678", error.Message, StringComparison.Ordinal);
    }
}
