using System.Text.Json.Nodes;

namespace FlowMachine.Registry;

/// <summary>A registered task type: its name, how to create it, and what the catalogue shows.</summary>
public sealed record TaskTypeInfo
{
    /// <summary>The dotted name specs use.</summary>
    public required string Name { get; init; }

    /// <summary>One line on what it does.</summary>
    public string? Description { get; init; }

    /// <summary>Its params, for the catalogue.</summary>
    public IReadOnlyList<TaskParamInfo> Params { get; init; } = [];

    /// <summary>
    /// The JSON Schema of the params of a typed task (<see cref="FlowTask{TParams, TResult}"/>), made from its params
    /// class; null for other tasks. Spec validation checks literal params against it. Shared: read it, or clone it
    /// before changing or embedding it.
    /// </summary>
    public JsonObject? ParamsSchema { get; init; }

    /// <summary>Default attempts (0 = engine default).</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Default timeout per attempt in seconds (0 = none).</summary>
    public double TimeoutSeconds { get; init; }

    /// <summary>The queue its steps run on unless the step names one (null: <c>default</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>How many steps of the type may run at once across all processes (0 = no limit).</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>How many steps of the type may start in any window of <see cref="RatePeriodSeconds"/> (0 = no limit).</summary>
    public int RateLimit { get; init; }

    /// <summary>The window of <see cref="RateLimit"/> in seconds (0 reads as 1).</summary>
    public double RatePeriodSeconds { get; init; }

    /// <summary>The implementing class, when registered from a type.</summary>
    public Type? ClrType { get; init; }

    /// <summary>Where it came from: an assembly name or a plugin file.</summary>
    public string? Source { get; init; }

    /// <summary>Creates a fresh instance for one execution.</summary>
    public required Func<IServiceProvider?, IFlowTask> Factory { get; init; }

    /// <summary>Whether the type implements a check for resubmits.</summary>
    public bool HasCheck => ClrType is not null && typeof(ICheckableTask).IsAssignableFrom(ClrType);
}
