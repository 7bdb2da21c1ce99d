using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Interpolation;
using FlowMachine.Registry;
using FlowMachine.Specs;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Benchmarks;

/// <summary>Micro-benchmarks: engine step overhead in memory, spec parsing, interpolation.</summary>
[MemoryDiagnoser]
public class Micro
{
    private static readonly TaskRegistry Registry = new TaskRegistry().AddBuiltIns();
    private static readonly string Seed004 = """
        label: example_flow
        cfg: { fail_fast: false }
        tasks:
          - { key: task_1, task_type: print, task_params: { msg: "I am task_1." } }
          - { key: task_2, task_type: print, task_params: { msg: "$tasks.task_1.result" }, precursors: [task_1] }
        """;

    private static readonly string Linear1000 = "tasks: [" + string.Join(", ", Enumerable.Repeat("noop", 1000)) + "]";
    private readonly JsonObject parameters = JsonNode.Parse("""{"msg":"$tasks.a.result.name","n":"$input.n","text":"hello ${input.who}","plain":"x"}""")!.AsObject();
    private readonly InterpolationScope scope = new(
        JsonNode.Parse("""{"n":3,"who":"ada"}"""),
        [],
        new Dictionary<string, JsonNode?> { ["a"] = JsonNode.Parse("""{"name":"result"}""") });

    /// <summary>One flow of 1,000 no-op steps on the in-memory store; divide by 1,000 for the cost of a step.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public async Task EngineStep()
    {
        var store = new InMemoryFlowStore();
        await using var engine = new FlowEngine(store, Registry);
        var id = (await engine.StartAsync(new StartFlowRequest { SpecText = Linear1000 })).Flow.Id;
        await engine.RunAsync(id);
    }

    [Benchmark]
    public SpecResult ParseSeed004() => SpecCompiler.Compile(Seed004, Registry);

    [Benchmark]
    public JsonObject Interpolate() => Interpolator.Resolve(parameters, scope);
}
