using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Specs;

namespace FlowMachine.Tests.Specs;

/// <summary>Compile must answer every input with a result, never an exception.</summary>
public class SpecCompilerFuzzTests
{
    private static readonly string[] Words =
    [
        "label", "key", "cfg", "data", "tasks", "task_type", "task_params", "precursors", "retry", "timeout",
        "fail_fast", "attempts", "delay", "factor", "max_delay", "ROOT", "noop", "print", "test.One", "a", "b", "",
    ];

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ":", ",", " ", "\n", "  ", "- ", "\"", "'", "#", "&a ", "*a", "!!str ", "|", ">", "---\n",
        "%YAML 1.2\n", "\t", "\\", "//", "/*", "*/", "null", "true", "1e999", "-0", "0x1F", "~", "?", "@", "`", "\u00e9", "\ud83d",
    ];

    private const string ValidYaml = """
        label: example_flow
        cfg: { fail_fast: false, retry: { attempts: 2 } }
        data: { greeting: hello, items: [1, 2] }
        tasks:
          - { key: a, task_type: print, task_params: { msg: "$data.greeting" } }
          - { key: b, task_type: noop, precursors: [a] }
          - test.One
        """;

    private const string ValidJson = """
        { "label": "x", "tasks": [ { "key": "a", "task_type": "print", "precursors": [] }, "noop", "noop" ] }
        """;

    [Fact]
    public void Random_text_never_throws()
    {
        var random = new Random(4004);
        for (var i = 0; i < 500; i++)
        {
            var builder = new StringBuilder();
            var parts = random.Next(1, 40);
            for (var p = 0; p < parts; p++)
            {
                builder.Append(random.Next(3) == 0 ? Words[random.Next(Words.Length)] : Fragments[random.Next(Fragments.Length)]);
            }

            AssertAnswers(builder.ToString());
        }
    }

    [Fact]
    public void Mutated_valid_specs_never_throw()
    {
        var random = new Random(40041);
        for (var i = 0; i < 500; i++)
        {
            var chars = new StringBuilder(i % 2 == 0 ? ValidYaml : ValidJson);
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits && chars.Length > 0; e++)
            {
                var at = random.Next(chars.Length);
                switch (random.Next(3))
                {
                    case 0:
                        chars.Remove(at, Math.Min(chars.Length - at, random.Next(1, 8)));
                        break;
                    case 1:
                        chars.Insert(at, Fragments[random.Next(Fragments.Length)]);
                        break;
                    default:
                        chars[at] = Fragments[random.Next(Fragments.Length)][0];
                        break;
                }
            }

            AssertAnswers(chars.ToString());
        }
    }

    [Fact]
    public void Random_json_shapes_never_throw()
    {
        var random = new Random(404);
        for (var i = 0; i < 500; i++)
        {
            AssertAnswers(RandomNode(random, 0, i % 50 == 0 ? 80 : 6), i);
        }
    }

    [Fact]
    public void Values_without_a_json_form_are_refused()
    {
        var node = new JsonObject
        {
            ["tasks"] = new JsonArray("noop"),
            ["data"] = new JsonObject { ["bad"] = JsonValue.Create(double.NaN) },
        };
        var error = Assert.Single(SpecCompiler.Compile(node, TestCatalog.Create()).Errors);
        Assert.Equal("data.bad", error.Path);
    }

    private static JsonNode? RandomNode(Random random, int depth, int maxDepth)
    {
        var pick = depth >= maxDepth ? random.Next(7, 14) : random.Next(14);
        switch (pick)
        {
            case < 4:
                var obj = new JsonObject();
                var count = random.Next(5);
                for (var i = 0; i < count; i++)
                {
                    obj[Words[random.Next(Words.Length)] + (random.Next(8) == 0 ? "x" : "")] = RandomNode(random, depth + 1, maxDepth);
                }

                return obj;
            case < 7:
                var array = new JsonArray();
                var items = random.Next(5);
                for (var i = 0; i < items; i++)
                {
                    array.Add(RandomNode(random, depth + 1, maxDepth));
                }

                return array;
            case 7:
                return null;
            case 8:
                return JsonValue.Create(random.Next(-3, 5));
            case 9:
                return JsonValue.Create(random.NextDouble() * 10 - 2);
            case 10:
                return JsonValue.Create(random.Next(2) == 0);
            case 11:
                return random.Next(20) == 0 ? JsonValue.Create(double.PositiveInfinity) : JsonValue.Create(1.5m);
            default:
                return JsonValue.Create(Words[random.Next(Words.Length)]);
        }
    }

    private static void AssertAnswers(string text)
    {
        var result = SpecCompiler.Compile(text, TestCatalog.Create());
        AssertConsistent(result, text);
    }

    private static void AssertAnswers(JsonNode? node, int index)
    {
        var result = SpecCompiler.Compile(node, TestCatalog.Create());
        AssertConsistent(result, $"random shape #{index}");
    }

    private static void AssertConsistent(SpecResult result, string input)
    {
        Assert.True(result.IsValid == (result.Spec is not null), input);
        Assert.True(result.IsValid == (result.Errors.Count == 0), input);
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("Internal error", StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Path)));
        if (result.Spec is { } spec)
        {
            // Whatever compiles must store and reload to the same canonical form.
            var json = SpecJson.Serialize(spec);
            Assert.Equal(json, SpecJson.Serialize(SpecJson.Deserialize(json)));
        }
    }
}
