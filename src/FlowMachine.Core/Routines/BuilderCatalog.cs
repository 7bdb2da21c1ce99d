using FlowMachine.BuiltIns;
using FlowMachine.Registry;

namespace FlowMachine.Routines;

/// <summary>
/// What a routine is checked against when it is built without the host's catalogue: the built-ins and the task
/// classes its steps name, as the host registers them; a task type given only by name is trusted here and
/// checked against the host's catalogue when the routine is stored.
/// </summary>
internal sealed class BuilderCatalog : ITaskCatalog
{
    private readonly TaskRegistry known = new TaskRegistry().AddBuiltIns();

    public BuilderCatalog(IEnumerable<Action<TaskRegistry>> taskClasses)
    {
        foreach (var register in taskClasses)
        {
            register(known);
        }
    }

    public IReadOnlyList<TaskTypeInfo> All => known.All;

    public bool TryGet(string name, out TaskTypeInfo info)
    {
        if (!known.TryGet(name, out info))
        {
            info = new TaskTypeInfo { Name = name, Factory = _ => throw new NotSupportedException($"task type '{name}' is not registered here") };
        }

        return true;
    }
}
