namespace FlowMachine.Engine;

/// <summary>A step attempt in flight (<see cref="Task"/>) or already finished synchronously (<see cref="Done"/>).</summary>
internal readonly record struct RunningStep(Task<StepExecution>? Task, CancellationTokenSource Cancel, StepExecution Done)
{
    /// <summary>The context the task ran with: what it set there (attributes) is committed with its outcome.</summary>
    public TaskContext? Context { get; init; }

    public bool IsCompleted => Task is null || Task.IsCompleted;

    public StepExecution Result => Task is null ? Done : Task.Result;
}
