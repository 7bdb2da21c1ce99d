using FlowMachine.Engine;
using FlowMachine.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Tasks;

/// <summary><c>/api/v1/tasks</c>: the task types this server can run.</summary>
internal static class TaskEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/tasks", List).WithTags("Tasks").WithName("ListTaskTypes").WithSummary("List task types")
            .WithDescription("The registered task types with their description, parameters (required, secret), check, defaults and source.");

    private static Ok<IReadOnlyList<TaskTypeDocument>> List(ITaskCatalog catalog) => TypedResults.Ok(TaskTypeDocument.Of(catalog.All));
}
