namespace FlowMachine.BuiltIns;

/// <summary>Runs a child flow (a stored routine or an inline spec) and waits for its result.</summary>
[TaskType("flow", Description = "Runs a child flow of a stored routine or an inline spec; its result is the step's result.")]
[TaskParam("routine", "The name of a stored routine. Give this or spec.")]
[TaskParam("version", "The routine version (default: the newest).")]
[TaskParam("spec", "An inline flow spec object. Give this or routine.")]
[TaskParam("input", "The child flow's input (any JSON).")]
internal sealed class ChildFlowTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            var target = ChildTarget.Read(context);
            var input = context.Params["input"];
            Outcome outcome = target.Spec is not null
                ? Outcome.SpawnSpec(target.Spec, input)
                : Outcome.SpawnRoutine(target.Routine!, input, target.Version);
            return ValueTask.FromResult(outcome);
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }
}
