using System.Text.Json.Nodes;

namespace FlowMachine.Routing;

/// <summary>
/// The routes a worker accepts: <c>queue/task_type</c> for every queue it serves and task type it has, and
/// <c>/task_type</c> for a type whose default queue it serves. A flow whose row carries a route (its next
/// runnable step belongs to another pool) is claimed only by a worker whose set holds that route; a flow
/// without one by any worker. Built once per worker; stores use <see cref="Json"/> or <see cref="Array"/>.
/// </summary>
public sealed class RouteSet
{
    private readonly HashSet<string> routes;

    /// <summary>Creates the set.</summary>
    public RouteSet(IEnumerable<string> routes)
    {
        this.routes = new HashSet<string>(routes, StringComparer.Ordinal);
        Array = [.. this.routes.Order(StringComparer.Ordinal)];
        Json = new JsonArray([.. Array.Select(r => (JsonNode?)JsonValue.Create(r))]).ToJsonString();
    }

    /// <summary>The routes, ordered.</summary>
    public IReadOnlyList<string> Array { get; }

    /// <summary>The routes as a JSON array of strings.</summary>
    public string Json { get; }

    /// <summary>Whether the set holds <paramref name="route"/>.</summary>
    public bool Contains(string route) => routes.Contains(route);

    /// <summary>The route of a step on <paramref name="queue"/> (empty: the task type's default queue) of <paramref name="taskType"/>.</summary>
    public static string Of(string? queue, string taskType) => $"{queue}/{taskType}";

    /// <summary>Splits a route into its queue (null: the task type's default) and task type.</summary>
    public static (string? Queue, string TaskType) Parse(string route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var slash = route.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? (null, route[(slash + 1)..]) : (route[..slash], route[(slash + 1)..]);
    }
}
