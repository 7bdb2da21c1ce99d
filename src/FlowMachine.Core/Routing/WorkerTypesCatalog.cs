using FlowMachine.Registry;

namespace FlowMachine.Routing;

/// <summary>
/// For checking a start only: this host's task types plus those live workers registered, so that a flow may be started
/// here for a pool whose task types this process does not load. The borrowed types cannot run here.
/// </summary>
internal sealed class WorkerTypesCatalog(ITaskCatalog local, IEnumerable<string> remote) : ITaskCatalog
{
    private readonly Dictionary<string, TaskTypeInfo> borrowed = remote
        .Where(name => !local.TryGet(name, out _))
        .Distinct(StringComparer.Ordinal)
        .ToDictionary(name => name, name => new TaskTypeInfo
        {
            Name = name,
            Description = "registered by a live worker",
            Source = "a live worker",
            Factory = _ => throw new InvalidOperationException($"Task type '{name}' is not loaded in this process; a worker that has it runs its steps."),
        }, StringComparer.Ordinal);

    /// <summary>True when the workers add a type this host lacks.</summary>
    public bool AddsAny => borrowed.Count > 0;

    public IReadOnlyList<TaskTypeInfo> All => [.. local.All.Concat(borrowed.Values).OrderBy(t => t.Name, StringComparer.Ordinal)];

    public bool TryGet(string name, out TaskTypeInfo info) => local.TryGet(name, out info) || borrowed.TryGetValue(name, out info!);
}
