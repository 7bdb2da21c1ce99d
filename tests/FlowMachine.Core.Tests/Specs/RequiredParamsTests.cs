using FlowMachine.BuiltIns;
using FlowMachine.Registry;
using FlowMachine.Specs;

namespace FlowMachine.Tests.Specs;

/// <summary>A step without a param its task type marks required is refused when the spec compiles, not when it runs.</summary>
public sealed class RequiredParamsTests
{
    private static SpecResult Compile(string text) => SpecCompiler.Compile(text, new TaskRegistry().AddBuiltIns());

    [Fact]
    public void A_missing_required_param_is_an_error_at_its_spec_path_with_the_line()
    {
        var result = Compile("""
            tasks:
              - key: a
                task_type: noop
              - key: say
                task_type: print
                task_params: { other: 1 }
            """);

        Assert.False(result.IsValid);
        var error = SpecAssert.HasError(result.Errors, "tasks[1].task_params.msg", "'print'", "requires task_params.msg", "step 'say'");
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Every_required_param_of_a_json_spec_is_named()
    {
        var result = Compile("""{"tasks":[{"key":"a","task_type":"print"},{"key":"b","task_type":"http","task_params":{"method":"POST"}}]}""");

        Assert.False(result.IsValid);
        SpecAssert.HasError(result.Errors, "tasks[0].task_params.msg", "requires task_params.msg");
        SpecAssert.HasError(result.Errors, "tasks[1].task_params.url", "requires task_params.url");
    }

    [Fact]
    public void A_bare_task_name_with_required_params_says_how_to_give_them()
    {
        var result = Compile("[noop, fail]");

        SpecAssert.HasError(result.Errors, "$[1].task_params.error", "requires task_params.error", "{key, task_type, task_params}");
    }

    [Theory]
    [InlineData("""{"tasks":[{"key":"a","task_type":"print","task_params":{"msg":"hi"}}]}""")]
    [InlineData("""{"tasks":[{"key":"a","task_type":"print","task_params":{"msg":"$input.text"}}]}""")]
    [InlineData("""{"tasks":[{"key":"a","task_type":"print","task_params":{"msg":null}}]}""")]
    [InlineData("""["noop", "wait"]""")]
    public void Given_or_templated_params_and_types_without_required_params_pass(string spec)
    {
        var result = Compile(spec);

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
    }
}
