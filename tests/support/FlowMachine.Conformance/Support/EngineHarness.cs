using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Examples;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Testing;

namespace FlowMachine.Tests.Support;

/// <summary>An engine on the in-memory store with the built-ins, the seed examples and the test tasks, on a fake clock.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public EngineHarness(IFlowStore? store = null)
    {
        Store = store ?? new InMemoryFlowStore();
        Registry = new TaskRegistry().AddBuiltIns().RegisterAssembly(ExampleTasks.Assembly).RegisterAssembly(typeof(CountTask).Assembly);
        Engine = new FlowEngine(Store, Registry, new FlowEngineOptions { Time = Time, TaskLog = Log, FollowStoreClock = false });
        Engine.Committed += t =>
        {
            lock (committedSteps)
            {
                Transitions.Add(t);

                // The engine promises never to edit a committed step record (a store may keep it): remember how each looked.
                foreach (var step in t.Steps)
                {
                    committedSteps.Add((step, System.Text.Json.JsonSerializer.Serialize(step)));
                }
            }
        };
    }

    private readonly List<(StepRecord Step, string Json)> committedSteps = [];

    public ManualClock Time { get; } = new();

    public CapturingLog Log { get; } = new();

    public IFlowStore Store { get; }

    public TaskRegistry Registry { get; }

    public FlowEngine Engine { get; }

    /// <summary>The engine as tests run flows in process.</summary>
    public IFlowRunner Runner => Engine;

    public List<FlowTransition> Transitions { get; } = [];

    public async Task<string> StartAsync(string spec, JsonNode? input = null, string? key = null)
    {
        var started = await Engine.StartAsync(new StartFlowRequest { SpecText = spec, Input = input, Key = key });
        return started.Flow.Id;
    }

    public Task<FlowView> RunAsync(string flowId) => Runner.RunAsync(flowId);

    public async Task<FlowView> StartAndRunAsync(string spec, JsonNode? input = null) => await RunAsync(await StartAsync(spec, input));

    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string flowId) => await Store.GetHistoryAsync(flowId, 0, 10_000, default);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        lock (committedSteps)
        {
            foreach (var (step, json) in committedSteps)
            {
                var now = System.Text.Json.JsonSerializer.Serialize(step);
                if (now != json)
                {
                    throw new InvalidOperationException($"Step '{step.Key}' of flow {step.FlowId} was edited after it was committed:\n  committed {json}\n  now       {now}");
                }
            }
        }

        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
