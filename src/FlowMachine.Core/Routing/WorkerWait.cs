using System.Text.Json.Serialization;

namespace FlowMachine.Routing;

/// <summary>What a flow let go for another pool waits for: a worker that serves <see cref="Queue"/> and has <see cref="TaskType"/>.</summary>
/// <param name="Queue">The queue; null: the task type's default queue.</param>
/// <param name="TaskType">The task type of the step that waits.</param>
public sealed record WorkerWait(
    [property: JsonPropertyName("queue")] string? Queue,
    [property: JsonPropertyName("taskType")] string TaskType)
{
    /// <summary>The wait a flow's route means, or null for a flow without one.</summary>
    public static WorkerWait? Of(string? route)
    {
        if (route is null)
        {
            return null;
        }

        var (queue, type) = RouteSet.Parse(route);
        return new WorkerWait(queue, type);
    }

    /// <summary>For people: <c>a worker of queue gpu with task type example.Gpu</c>.</summary>
    public override string ToString() =>
        Queue is null ? $"a worker with task type {TaskType} (on its default queue)" : $"a worker of queue {Queue} with task type {TaskType}";
}
