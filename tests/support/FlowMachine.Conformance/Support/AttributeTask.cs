using System.Text.Json.Nodes;

namespace FlowMachine.Tests.Support;

[TaskType("t.attr", Description = "Sets the attributes task_params.set names (name: value), then returns how many it set.")]
public sealed class AttributeTask : IFlowTask
{
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var set = context.Param<JsonObject>("set") ?? [];
        foreach (var (name, value) in set)
        {
            context.SetAttribute(name, value!.GetValue<string>());
        }

        return ValueTask.FromResult<Outcome>(Outcome.Result(set.Count));
    }
}
