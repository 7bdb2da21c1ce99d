using System.Text.Json;

namespace FlowMachine.BuiltIns;

/// <summary>Writes <c>msg</c> to the task log and completes with it (MissionControl's <c>print</c>).</summary>
[TaskType("print", Description = "Writes task_params.msg to the flow log; the result is msg.")]
[TaskType("log", Description = "Writes task_params.msg to the flow log; the result is msg.")]
[TaskParam("msg", "What to write: a string is written as-is, any other JSON value as compact JSON.", Required = true)]
internal sealed class PrintTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // Present-but-null is a legitimate value (an interpolated null); absent is a spec mistake.
        if (!ParamReader.Present(context, "msg"))
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ParamReader.Missing(context, "msg").Message));
        }

        var msg = context.Params["msg"];
        var text = msg switch
        {
            null => "null",
            _ when msg.GetValueKind() == JsonValueKind.String => msg.GetValue<string>(),
            _ => msg.ToJsonString(),
        };
        context.Log.Info(text);
        return ValueTask.FromResult<Outcome>(Outcome.Result(msg));
    }
}
