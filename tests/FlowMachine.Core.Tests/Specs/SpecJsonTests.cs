using System.Text.Json.Nodes;
using FlowMachine.Specs;

namespace FlowMachine.Tests.Specs;

public class SpecJsonTests
{
    private const string Rich = """
        label: rich
        key: flow-1
        cfg: { fail_fast: false, retry: { attempts: 3, delay: 0.25, factor: 1.5, max_delay: 9 }, timeout: 12.5 }
        data: { z: 1, a: [true, null, "s"], nested: { x: { y: 2 } } }
        tasks:
          - { key: a, task_type: print, task_params: { msg: "$data.z" } }
          - { key: b, task_type: noop, precursors: [a], retry: { attempts: 2 }, timeout: 3 }
          - { key: c, task_type: noop, precursors: [], queue: gpu.big-1 }
          - { key: d, task_type: noop, precursors: [b, c] }
          - test.One
          - test.One
        """;

    [Fact]
    public void Serialize_then_deserialize_round_trips_every_field()
    {
        var spec = SpecAssert.Valid(Rich);
        var json = SpecJson.Serialize(spec);
        var back = SpecJson.Deserialize(json);

        Assert.Equal(json, SpecJson.Serialize(back));
        Assert.Equal(spec.Label, back.Label);
        Assert.Equal(spec.Key, back.Key);
        Assert.Equal(spec.Cfg, back.Cfg);
        Assert.True(JsonNode.DeepEquals(spec.Data, back.Data));
        Assert.Equal(spec.Tasks.Count, back.Tasks.Count);
        for (var i = 0; i < spec.Tasks.Count; i++)
        {
            var (x, y) = (spec.Tasks[i], back.Tasks[i]);
            Assert.Equal(x.Key, y.Key);
            Assert.Equal(x.TaskType, y.TaskType);
            Assert.Equal(x.Precursors, y.Precursors);
            Assert.Equal(x.Retry, y.Retry);
            Assert.Equal(x.TimeoutSeconds, y.TimeoutSeconds);
            Assert.Equal(x.Queue, y.Queue);
            Assert.True(JsonNode.DeepEquals(x.TaskParams, y.TaskParams));
        }
    }

    [Fact]
    public void Serialized_form_is_snake_case_with_explicit_precursors()
    {
        var json = SpecJson.Serialize(SpecAssert.Valid("tasks: [test.One, test.Two]"));
        Assert.Equal(
            """{"cfg":{"fail_fast":true},"data":{},"tasks":[{"key":"test.One","task_type":"test.One","task_params":{},"precursors":[]},{"key":"test.Two","task_type":"test.Two","task_params":{},"precursors":["test.One"]}]}""",
            json);
    }

    [Fact]
    public void Serialized_form_is_deterministic_and_recompiles_with_a_catalog()
    {
        var spec = SpecAssert.Valid(Rich);
        var json = SpecJson.Serialize(spec);
        Assert.Equal(json, SpecJson.Serialize(SpecAssert.Valid(Rich)));
        Assert.Equal(json, SpecJson.Serialize(SpecAssert.Valid(json)));
        Assert.Contains("\n", SpecJson.Serialize(spec, indented: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_does_not_need_the_task_types_registered()
    {
        var back = SpecJson.Deserialize("""{"tasks":[{"key":"k","task_type":"elsewhere.Only","precursors":[]}]}""");
        Assert.Equal("elsewhere.Only", back.Tasks[0].TaskType);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"tasks":[{"key":"k"}]}""")]
    [InlineData("""{"tasks":[]}""")]
    public void Deserialize_gives_clear_exceptions(string json)
    {
        var ex = Assert.Throws<SpecException>(() => SpecJson.Deserialize(json));
        Assert.NotEmpty(ex.Errors);
    }
}
