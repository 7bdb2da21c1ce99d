using FlowMachine.Operations;

namespace FlowMachine.Tests.Operations;

public sealed class RoutineNamesTests
{
    [Theory]
    [InlineData("seed000")]
    [InlineData("billing.monthly_run-2")]
    [InlineData("a")]
    [InlineData("report.json2")]
    public void A_name_of_letters_digits_dots_underscores_and_dashes_is_a_routine_name(string name) =>
        Assert.Null(RoutineNames.Problem(name));

    [Fact]
    public void A_name_of_200_characters_is_allowed_and_201_is_not()
    {
        Assert.Null(RoutineNames.Problem(new string('a', InputLimits.MaxRoutineNameLength)));
        Assert.Equal(RoutineNames.Rule, RoutineNames.Problem(new string('a', InputLimits.MaxRoutineNameLength + 1)));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("spec.json")]
    [InlineData("spec.YAML")]
    [InlineData("spec.yml")]
    [InlineData("ünïcode")]
    public void Paths_file_names_and_other_characters_break_the_rule(string name) =>
        Assert.Equal(RoutineNames.Rule, RoutineNames.Problem(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_name_is_told_so(string? name) =>
        Assert.Equal(RoutineNames.Missing, RoutineNames.Problem(name));

    [Fact]
    public void The_rule_names_its_limit_and_the_file_endings()
    {
        Assert.Contains("1 to 200", RoutineNames.Rule, StringComparison.Ordinal);
        Assert.Contains(".json, .yaml or .yml", RoutineNames.Rule, StringComparison.Ordinal);
    }
}
