using System.Text.Json.Nodes;
using FlowMachine.Engine;

namespace FlowMachine.Tests.Engine;

/// <summary>A step's progress as text: done of total with a share when both are numbers, else the JSON as reported.</summary>
public sealed class ProgressTextTests
{
    [Theory]
    [InlineData("""{"done":40,"total":100}""", "40/100 (40 %)")]
    [InlineData("""{"done":1,"total":3,"phase":"copy"}""", "1/3 (33 %)")]
    [InlineData("""{"done":2.5,"total":10}""", "2.5/10 (25 %)")]
    [InlineData("""{"done":120,"total":100}""", "120/100 (100 %)")]
    [InlineData("""{"done":"40","total":100}""", """{"done":"40","total":100}""")]
    [InlineData("""{"done":4,"total":0}""", """{"done":4,"total":0}""")]
    [InlineData("""{"phase":"copying"}""", """{"phase":"copying"}""")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("""{"file":"<a&b>"}""", """{"file":"<a&b>"}""")]
    [InlineData("\"halfway\"", "\"halfway\"")]
    public void Describe_shows_a_fraction_when_there_is_one_else_the_json(string progress, string expected) =>
        Assert.Equal(expected, ProgressText.Describe(JsonNode.Parse(progress)));

    [Fact]
    public void No_progress_has_no_text_and_no_fraction()
    {
        Assert.Null(ProgressText.Describe(null));
        Assert.False(ProgressText.TryGetFraction(null, out _, out _));
    }
}
