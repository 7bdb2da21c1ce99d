namespace FlowMachine.BuiltIns;

/// <summary>Fails the step with an error (retried per policy, then fails the flow or its branch).</summary>
[TaskType("fail", Description = "Fails the step with task_params.error.")]
[TaskParam("error", "The error message.", Required = true)]
internal sealed class FailTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ParamReader.RequiredString(context, "error")));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }
}
