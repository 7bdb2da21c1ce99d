namespace FlowMachine;

/// <summary>Registers a class implementing <see cref="IFlowTask"/> under a dotted task type name.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TaskTypeAttribute(string name) : Attribute
{
    /// <summary>The name specs use in <c>task_type</c>, such as <c>example.VeryLong</c>.</summary>
    public string Name { get; } = name;

    /// <summary>A one-line description shown in the task catalogue.</summary>
    public string? Description { get; init; }

    /// <summary>Default number of attempts (1 = no retry) unless the step says otherwise.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Default timeout in seconds for one attempt (0 = none) unless the step says otherwise.</summary>
    public double TimeoutSeconds { get; init; }

    /// <summary>The queue its steps run on unless the step names one (null: <c>default</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>At most this many steps of the type run at once across every process of the store (0 = no limit).</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>At most this many steps of the type start in any window of <see cref="RatePeriodSeconds"/> (0 = no limit).</summary>
    public int RateLimit { get; init; }

    /// <summary>The window of <see cref="RateLimit"/>, in seconds (1 unless given).</summary>
    public double RatePeriodSeconds { get; init; }
}
