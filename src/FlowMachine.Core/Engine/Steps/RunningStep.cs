namespace FlowMachine.Engine;

/// <summary>A step attempt in flight (<see cref="Task"/>) or already finished synchronously (<see cref="Done"/>).</summary>
internal readonly record struct RunningStep(Task<StepExecution>? Task, CancellationTokenSource Cancel, StepExecution Done)
{
    public bool IsCompleted => Task is null || Task.IsCompleted;

    public StepExecution Result => Task is null ? Done : Task.Result;
}
