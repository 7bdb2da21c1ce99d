using FlowMachine;

namespace PluginTasks;

/// <summary>Greets someone by name; loaded from a plugin folder.</summary>
[TaskType("plugin.Greet", Description = "Greets task_params.name (default: world).")]
[TaskParam("name", "Who to greet.")]
public sealed class GreetTask : IFlowTask
{
    /// <inheritdoc/>
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var greeting = $"Hello, {context.Param("name", "world")}!";
        context.Log.Info(greeting);
        return ValueTask.FromResult<Outcome>(Outcome.Result(greeting));
    }
}
