namespace FlowMachine;

/// <summary>Describes one parameter of a task type for the catalogue.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TaskParamAttribute(string name, string description) : Attribute
{
    /// <summary>The key in <c>task_params</c>.</summary>
    public string Name { get; } = name;

    /// <summary>What the parameter means.</summary>
    public string Description { get; } = description;

    /// <summary>Whether a step must give it.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the value is a secret that must never reach logs or history.</summary>
    public bool Secret { get; init; }
}
