using FlowMachine.Registry;
using FlowMachine.Specs;

namespace FlowMachine.Routing;

/// <summary>
/// Which steps this process runs: those on a queue it serves, of a task type it has. The queue of a step is
/// its spec's <c>queue</c>, else its task type's default (options, then <see cref="TaskTypeAttribute.Queue"/>), else <c>default</c>.
/// </summary>
internal sealed class StepRouter
{
    private readonly ITaskCatalog catalog;
    private readonly HashSet<string> served;
    private readonly IReadOnlyDictionary<string, string> typeQueues;
    private readonly Lazy<RouteSet> routes;

    public StepRouter(ITaskCatalog catalog, IEnumerable<string> queues, IReadOnlyDictionary<string, string> typeQueues)
    {
        this.catalog = catalog;
        this.typeQueues = typeQueues;
        served = new HashSet<string>(queues, StringComparer.Ordinal);
        routes = new Lazy<RouteSet>(BuildRoutes);
    }

    /// <summary>The queues this process serves.</summary>
    public IReadOnlyCollection<string> Served => served;

    /// <summary>The routes this process's worker accepts (built at first use, when every task type is registered).</summary>
    public RouteSet Routes => routes.Value;

    private RouteSet BuildRoutes()
    {
        var routes = new List<string>();
        foreach (var type in catalog.All)
        {
            var own = DefaultQueueOf(type);
            if (served.Contains(own))
            {
                routes.Add(RouteSet.Of(null, type.Name));
            }

            foreach (var queue in served)
            {
                routes.Add(RouteSet.Of(queue, type.Name));
            }
        }

        return new RouteSet(routes);
    }

    /// <summary>The task type's default queue: options, then its attribute, then <c>default</c>.</summary>
    public string DefaultQueueOf(TaskTypeInfo type) =>
        typeQueues.TryGetValue(type.Name, out var queue) ? queue : type.Queue ?? QueueNames.Default;

    /// <summary>Whether this process can run the step: it has the task type and serves the step's queue.</summary>
    public bool CanRun(StepSpec step) =>
        catalog.TryGet(step.TaskType, out var type) && served.Contains(step.Queue ?? DefaultQueueOf(type));

    /// <summary>The route of a step: its queue as far as this process knows it (empty when neither the spec nor this process's catalog says), then its task type.</summary>
    public string RouteOf(StepSpec step) =>
        RouteSet.Of(step.Queue ?? (catalog.TryGet(step.TaskType, out var type) ? DefaultQueueOf(type) : null), step.TaskType);
}
