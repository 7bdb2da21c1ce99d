namespace FlowMachine.BuiltIns;

/// <summary>Completes the flow early; the remaining steps are skipped.</summary>
[TaskType("done", Description = "Completes the flow early with value; remaining steps are skipped.")]
[TaskParam("value", "The flow's result (any JSON; default null).")]
internal sealed class DoneTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(Outcome.Done(context.Params["value"]));
}
