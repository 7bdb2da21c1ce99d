using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace FlowMachine.Tests.BuiltIns;

public class ExampleSpecFileTests
{
    private static string SpecsFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowMachine.slnx")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "examples", "specs");
    }

    [Theory]
    [InlineData("seed004.yaml")]
    [InlineData("seed000.yaml")]
    [InlineData("dag.yaml")]
    [InlineData("every-outcome.yaml")]
    [InlineData("spread.yaml")]
    public void Example_yaml_specs_parse_start_with_a_comment_and_have_a_label_and_tasks(string file)
    {
        var text = File.ReadAllText(Path.Combine(SpecsFolder(), file));
        Assert.StartsWith("# ", text, StringComparison.Ordinal);
        var root = Assert.IsType<YamlMappingNode>(Parse(text));
        Assert.Contains(new YamlScalarNode("label"), root.Children.Keys);
        Assert.IsType<YamlSequenceNode>(root.Children[new YamlScalarNode("tasks")]);
    }

    [Fact]
    public void Seed004_yaml_and_json_are_the_same_spec()
    {
        var yaml = ToJson(Parse(File.ReadAllText(Path.Combine(SpecsFolder(), "seed004.yaml"))));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(SpecsFolder(), "seed004.json")));
        Assert.True(JsonNode.DeepEquals(json, yaml), yaml?.ToJsonString());
    }

    private static YamlNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }

    // Strings only: enough for the all-string seed004 spec.
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}
