using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Interpolation;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FsCheck;
using FsCheck.Fluent;

namespace FlowMachine.Tests.Properties;

/// <summary>Property tests: no input crashes the spec compiler or the interpolator, and every refusal names a path.</summary>
public sealed class SpecPropertyTests
{
    private static readonly TaskRegistry Registry = new TaskRegistry().AddBuiltIns();
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(400);

    private static readonly string[] Fragments =
    [
        "tasks:", " - ", "{", "}", "[", "]", ":", ",", "\n", "  ", "key: a", "key: b", "task_type: noop", "task_type: nope",
        "precursors: [a]", "precursors: [b]", "precursors: [ROOT]", "task_params: { msg: $input.x }", "cfg: { fail_fast: false }",
        "label: x", "data: { a: 1 }", "\"", "'", "&a", "*a", "!!binary", "---", "#", "\\", "$", "\u0000", "é", "\ud800", "retry: { attempts: 0 }",
        "timeout: -1", "[noop, noop]", "null", "~", "1e309", "-", "?", "|", ">", "%YAML 1.2",
    ];

    private static Gen<string> SpecText() =>
        Gen.OneOf(
            Gen.Elements(Fragments).ListOf().Select(parts => string.Concat(parts)),
            ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
            Gen.Elements(Fragments).ListOf().Select(parts => "{" + string.Join(",", parts) + "}"));

    [Fact]
    public void No_text_crashes_the_compiler_and_every_refusal_names_a_path()
    {
        Prop.ForAll(SpecText().ToArbitrary(), text =>
        {
            var result = SpecCompiler.Compile(text, Registry);
            return result.IsValid
                ? result.Spec!.Tasks.Count > 0
                : result.Errors.Count > 0 && result.Errors.All(e => !string.IsNullOrWhiteSpace(e.Path) && !string.IsNullOrWhiteSpace(e.Message));
        }).Check(Many);
    }

    private static Gen<JsonNode?> Json(int depth) =>
        depth <= 0
            ? Gen.OneOf(
                Gen.Constant<JsonNode?>(null),
                ArbMap.Default.GeneratorFor<int>().Select(i => (JsonNode?)JsonValue.Create(i)),
                ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)),
                Gen.Elements("noop", "a", "b", "$input.x", "$tasks.a.result", "ROOT", "print", "", "tasks", "key").Select(s => (JsonNode?)JsonValue.Create(s)))
            : Gen.OneOf(
                Json(0),
                Json(depth - 1).ListOf().Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())])),
                Gen.Elements("tasks", "key", "task_type", "task_params", "precursors", "cfg", "fail_fast", "label", "data", "retry", "attempts", "x")
                    .Zip(Json(depth - 1))
                    .ListOf()
                    .Select(pairs =>
                    {
                        var o = new JsonObject();
                        foreach (var (k, v) in pairs)
                        {
                            o[k] = v?.DeepClone();
                        }

                        return (JsonNode?)o;
                    }));

    [Fact]
    public void No_json_document_crashes_the_compiler_and_valid_specs_round_trip()
    {
        Prop.ForAll(Json(4).ToArbitrary(), node =>
        {
            var result = SpecCompiler.Compile(node, Registry);
            if (!result.IsValid)
            {
                return result.Errors.Count > 0 && result.Errors.All(e => e.Path.Length > 0);
            }

            var again = SpecJson.Deserialize(SpecJson.Serialize(result.Spec!));
            return SpecJson.Serialize(again) == SpecJson.Serialize(result.Spec!);
        }).Check(Many);
    }

    [Fact]
    public void Interpolation_either_resolves_or_names_the_param_and_the_path()
    {
        var scope = new InterpolationScope(
            JsonNode.Parse("""{"x":1,"list":[1,2,{"y":"z"}],"name":"ada"}"""),
            new JsonObject { ["d"] = "data" },
            new Dictionary<string, JsonNode?> { ["a"] = JsonNode.Parse("""{"r":[true]}"""), ["test.One"] = null });
        var references = Gen.Elements(
            "$input", "$input.x", "$input.list.2.y", "$input.list[1]", "$input.nope", "$data.d", "$data", "$tasks.a.result.r.0",
            "$tasks.test.One.result", "$tasks.zz.result", "$", "$$", "${input.name}", "hi ${input.name}!", "${", "\\$x", "\\${x}", "plain", "$input.list.9", "${data.missing}");
        var texts = Gen.OneOf(references, ArbMap.Default.GeneratorFor<string>().Select(s => "$" + (s ?? "")), references.ListOf().Select(p => string.Concat(p)));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            try
            {
                Interpolator.Resolve(new JsonObject { ["p"] = text, ["nested"] = new JsonArray(text) }, scope);
                return true;
            }
            catch (InterpolationException ex)
            {
                return ex.Message.Contains("task_params.", StringComparison.Ordinal) && ex.ParamPath.StartsWith("task_params.", StringComparison.Ordinal);
            }
        }).Check(Many);
    }
}
