using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Fans out over <c>items</c>: one detached task or one child flow per item. The engine fans in,
/// completing the step with the children's results in item order.
/// </summary>
[TaskType("spread", Description = "Fans out over items (a task or a child flow per item) and collects the results in order.")]
[TaskParam("items", "The array to fan out over.", Required = true)]
[TaskParam("task_type", "Run this task type per item, with params plus item and index as its args.")]
[TaskParam("params", "Params given to each task_type child (item and index are added).")]
[TaskParam("routine", "Run a child flow of this stored routine per item, with the item as input.")]
[TaskParam("version", "The routine version (default: the newest).")]
[TaskParam("spec", "Run a child flow of this inline spec per item, with the item as input.")]
[TaskParam("max_items", "The most items accepted (default 10000).")]
internal sealed class SpreadTask : IFlowTask
{
    private const int DefaultMaxItems = 10_000;

    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(Spread(context));
        }
        catch (TaskParamException ex)
        {
            return ValueTask.FromResult<Outcome>(Outcome.Fail(ex.Message));
        }
    }

    private static Outcome Spread(TaskContext context)
    {
        var items = ParamReader.Array(context, "items") ?? throw ParamReader.Missing(context, "items");
        var maxItems = ParamReader.Integer(context, "max_items", 1, int.MaxValue) ?? DefaultMaxItems;
        var taskType = ParamReader.String(context, "task_type");
        var childParams = ParamReader.Object(context, "params");

        if (taskType is not null && ChildTarget.Named(context))
        {
            throw ParamReader.Invalid(context, "give task_params.task_type or task_params.routine/spec, not both");
        }

        if (taskType is { Length: 0 })
        {
            throw ParamReader.Bad(context, "task_type", "a task type name", context.Params["task_type"]);
        }

        if (taskType is null && childParams is not null)
        {
            throw ParamReader.Invalid(context, "task_params.params only applies with task_params.task_type; a child flow gets the item as input");
        }

        // Validate the target before the shortcut so a broken spread fails even with no items.
        var target = taskType is null ? ChildTarget.Read(context) : null;

        if (items.Count > maxItems)
        {
            throw ParamReader.Invalid(context, $"task_params.items has {items.Count} items, more than task_params.max_items ({maxItems})");
        }

        if (items.Count == 0)
        {
            return Outcome.Result(new JsonArray());
        }

        var children = new List<SpawnRequest>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i]?.DeepClone();
            if (taskType is not null)
            {
                var args = childParams is null ? new JsonObject() : (JsonObject)childParams.DeepClone();
                args["item"] = item;
                args["index"] = i;
                children.Add(new SpawnRequest { TaskType = taskType, Args = args });
            }
            else
            {
                children.Add(new SpawnRequest
                {
                    Routine = target!.Routine,
                    Version = target.Version,
                    Spec = target.Spec?.DeepClone(),
                    Input = item,
                });
            }
        }

        return Outcome.SpawnAll(children);
    }
}
