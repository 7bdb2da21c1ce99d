using FlowMachine.Diagnosis;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Testing;

namespace FlowMachine.Tests.Diagnosis;

/// <summary>The cases no engine run leaves behind on its own: a flow not due yet, and one that nothing moves.</summary>
public sealed class FlowDiagnoserTests
{
    private readonly ManualClock clock = new();

    private static FlowView View(DateTimeOffset? nextRunAt, StepState stepState) => new(
        new FlowRecord { Id = "f-1", SpecJson = """{"tasks":[{"key":"a","task_type":"noop"}]}""", State = FlowState.Running, NextRunAt = nextRunAt },
        [new StepRecord { FlowId = "f-1", Key = "a", TaskType = "noop", State = stepState }]);

    [Fact]
    public async Task A_flow_not_due_yet_says_when_a_worker_picks_it_up()
    {
        var at = clock.GetUtcNow().AddMinutes(3);
        var why = await new FlowDiagnoser(new InMemoryFlowStore(), clock).DiagnoseAsync(View(at, StepState.Pending), default);

        Assert.Equal((DiagnosisKinds.Scheduled, (DateTimeOffset?)at), (why.Kind, why.Facts.DueAt));
        Assert.Equal($"The flow is not due yet: a worker picks it up by itself at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.", why.Summary);
        Assert.Equal(clock.GetUtcNow(), why.At);
    }

    [Fact]
    public async Task A_flow_that_nothing_moves_says_so_and_how_to_reset_or_cancel_it()
    {
        var why = await new FlowDiagnoser(new InMemoryFlowStore(), clock).DiagnoseAsync(View(null, StepState.Completed), default);

        Assert.Equal(DiagnosisKinds.Idle, why.Kind);
        Assert.Equal("The flow is RUNNING but nothing is due, nothing waits and no worker holds it, so nothing moves it by itself: reset it (flowmachine flows reset f-1) or cancel it.", why.Summary);
        Assert.Equal(["flowmachine flows reset f-1", "flowmachine flows cancel f-1"], why.Facts.Commands);
    }
}
