namespace FlowMachine.Registry;

/// <summary>Answers which task types exist; specs are validated against it.</summary>
public interface ITaskCatalog
{
    /// <summary>Finds a task type by name.</summary>
    bool TryGet(string name, out TaskTypeInfo info);

    /// <summary>Every task type, ordered by name.</summary>
    IReadOnlyList<TaskTypeInfo> All { get; }
}
