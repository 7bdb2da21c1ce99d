namespace FlowMachine.BuiltIns;

/// <summary>Ends the flow KILLED: the step ran fine but the flow must not go on.</summary>
[TaskType("kill", Description = "Ends the flow as KILLED with a reason.")]
[TaskParam("reason", "Why the flow ends.", Required = true)]
internal sealed class KillTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult<Outcome>(Outcome.Kill(ParamReader.RequiredString(context, "reason")));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }
}
