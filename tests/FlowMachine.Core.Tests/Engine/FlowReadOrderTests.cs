using System.Reflection;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Tests.Specs;

namespace FlowMachine.Tests.Engine;

/// <summary>
/// A flow read with its steps: the steps are read only once the flow's own read has come back, so a reader never
/// sees a finished flow beside a step that was still running before the commit that finished both.
/// </summary>
public sealed class FlowReadOrderTests
{
    [Fact]
    public async Task Steps_are_read_after_the_flow_read_has_returned()
    {
        var inner = new InMemoryFlowStore();
        var (store, gate) = GatedFlowReads.Over(inner);
        await using var engine = new FlowEngine(store, TestCatalog.Create());
        var started = await engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [test.One, test.Two]" });

        gate.Hold();
        var read = engine.GetAsync(started.Flow.Id);
        await gate.FlowReadStarted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, gate.StepReads); // the flow's read is held: its steps must not have been read yet

        gate.Release();
        var view = await read.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(view);
        Assert.Equal(1, gate.StepReads);
        Assert.True(gate.StepsReadAfterFlowReturned);
        Assert.Equal(2, view.Steps.Count);
    }

    [Fact]
    public async Task A_missing_flow_is_null_without_reading_steps()
    {
        var (store, gate) = GatedFlowReads.Over(new InMemoryFlowStore());
        await using var engine = new FlowEngine(store, TestCatalog.Create());

        Assert.Null(await engine.GetAsync("no-such-flow"));
        Assert.Equal(0, gate.StepReads);
    }
}

/// <summary>A store whose flow reads can be held until released; it notes when the steps were read.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives from it: it must not be sealed.")]
internal class GatedFlowReads : DispatchProxy
{
    private TaskCompletionSource flowReadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IFlowStore inner = null!;
    private TaskCompletionSource? held;
    private volatile bool flowReturned;
    private int stepReads;

    public Task FlowReadStarted => flowReadStarted.Task;

    public int StepReads => Volatile.Read(ref stepReads);

    public bool StepsReadAfterFlowReturned { get; private set; } = true;

    public static (IFlowStore Store, GatedFlowReads Gate) Over(IFlowStore store)
    {
        var proxy = Create<IFlowStore, GatedFlowReads>();
        var gate = (GatedFlowReads)(object)proxy;
        gate.inner = store;
        return (proxy, gate);
    }

    /// <summary>Holds the next flow reads and forgets the reads before.</summary>
    public void Hold()
    {
        flowReadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowReturned = false;
        Volatile.Write(ref stepReads, 0);
    }

    public void Release() => held?.TrySetResult();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        switch (targetMethod.Name)
        {
            case nameof(IFlowQueryStore.GetFlowAsync):
                return new ValueTask<FlowRecord?>(ReadFlowAsync((string)args![0]!, (CancellationToken)args[1]!));
            case nameof(IFlowQueryStore.GetStepsAsync):
                Interlocked.Increment(ref stepReads);
                StepsReadAfterFlowReturned &= flowReturned;
                break;
        }

        return targetMethod.Invoke(inner, args);
    }

    private async Task<FlowRecord?> ReadFlowAsync(string flowId, CancellationToken cancellationToken)
    {
        flowReadStarted.TrySetResult();
        if (held is { } gate)
        {
            await gate.Task.ConfigureAwait(false);
        }

        var flow = await inner.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        flowReturned = true;
        return flow;
    }
}
