using FlowMachine.Tests.BuiltIns;

namespace FlowMachine.Tests.TypedTasks;

public sealed class TypedTaskBindingTests
{
    [Fact]
    public async Task Params_bind_by_camelCase_name_with_nested_objects_lists_and_enums_by_name()
    {
        var outcome = await new ChargeTask().PerformAsync(TestContexts.For("""
            { "amount": 250, "currency": "EUR", "speed": "express", "shipTo": { "zip": "12345", "city": "Lyon" }, "tags": ["a", "b"] }
            """), default);

        TestContexts.AssertJson("""{ "receipt": "EUR-250-12345", "amount": 250, "speed": 1 }""", Assert.IsType<ResultOutcome>(outcome).Value);
    }

    [Fact]
    public void Enums_bind_by_number_too_and_numbers_from_strings_as_in_the_project_options()
    {
        var bound = TaskParams.Bind<ChargeParams>(Parse("""{ "amount": "7", "currency": "USD", "speed": 1 }"""));
        Assert.Equal(7, bound.Amount);
        Assert.Equal(Speed.Express, bound.Speed);
    }

    [Theory]
    [InlineData("""{ "amount": 5000, "currency": "EUR" }""", "param 'amount': The field amount must be between 1 and 1000.")]
    [InlineData("""{ "amount": 5, "currency": "EURO" }""", "param 'currency': The field currency must be a string with a minimum length of 3 and a maximum length of 3.")]
    [InlineData("""{ "amount": 5 }""", "param 'currency': The currency field is required.")]
    [InlineData("""{ "currency": "EUR" }""", "param 'amount': The amount field is required.")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "shipTo": { "zip": "1" } }""", "param 'shipTo.zip': The field zip must match the regular expression '^[0-9]{5}$'.")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "shipTo": { } }""", "param 'shipTo.zip': The zip field is required.")]
    [InlineData("""{ "amount": "lots", "currency": "EUR" }""", "param 'amount': The JSON value could not be converted to System.Int32.")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "speed": "warp" }""", "param 'speed': The JSON value could not be converted to")]
    [InlineData("""{ "amount": 5, "currency": "EUR", "tags": [1] }""", "param 'tags[0]': The JSON value could not be converted to System.String.")]
    public void A_param_that_does_not_bind_or_breaks_a_rule_is_a_TaskParamException_naming_the_param_and_the_rule(string json, string message)
    {
        var error = Assert.Throws<TaskParamException>(() => TaskParams.Bind<ChargeParams>(Parse(json)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_broken_rule_is_named_not_only_the_first()
    {
        var error = Assert.Throws<TaskParamException>(() => TaskParams.Bind<ChargeParams>(Parse("""{ "amount": 0, "currency": "E" }""")));
        Assert.Contains("param 'amount'", error.Message, StringComparison.Ordinal);
        Assert.Contains("param 'currency'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_params_type_of_a_typed_task_is_found_and_other_tasks_have_none()
    {
        Assert.Equal(typeof(ChargeParams), TaskParams.TypeOf(typeof(ChargeTask)));
        Assert.Equal(typeof(GateParams), TaskParams.TypeOf(typeof(GateTask)));
        Assert.Null(TaskParams.TypeOf(typeof(BuiltIns.ControlTaskTests)));
    }

    [Fact]
    public async Task A_returned_outcome_is_used_as_it_is()
    {
        Assert.Equal("gate closed", Assert.IsType<WaitOutcome>(await new GateTask().PerformAsync(TestContexts.For("{}"), default)).Reason);
        TestContexts.AssertJson("\"through\"", Assert.IsType<DoneOutcome>(await new GateTask().PerformAsync(TestContexts.For("""{ "open": true }"""), default)).Value);
    }

    private static System.Text.Json.Nodes.JsonObject Parse(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void The_params_own_rules_run_after_their_properties_and_name_the_params_they_blame()
    {
        var error = Assert.Throws<TaskParamException>(() => TaskParams.Bind<PeriodParams>(Parse("""{ "from": 5, "to": 2 }""")));
        Assert.Equal("param 'from', param 'to': from must not be after to", error.Message);
        Assert.Equal(2, TaskParams.Bind<PeriodParams>(Parse("""{ "from": 1, "to": 2 }""")).To);
    }

    private sealed class PeriodParams : System.ComponentModel.DataAnnotations.IValidatableObject
    {
        public int From { get; init; }

        public int To { get; init; }

        public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
        {
            if (From > To)
            {
                yield return new("from must not be after to", [nameof(From), nameof(To)]);
            }
        }
    }
}
