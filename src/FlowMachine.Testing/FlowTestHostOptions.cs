namespace FlowMachine.Testing;

/// <summary>Settings of a <see cref="FlowTestHost"/>.</summary>
public sealed class FlowTestHostOptions
{
    /// <summary>Where the host's <see cref="ManualClock"/> starts (default <see cref="ManualClock.DefaultStart"/>).</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>Register the built-in task types (<c>print</c>, <c>wait</c>, <c>delay</c>, ...). Default true.</summary>
    public bool BuiltIns { get; set; } = true;

    /// <summary>Services handed to tasks (<see cref="TaskContext.Services"/>) and to task constructors.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>
    /// The most rounds <see cref="FlowTestHost.RunDueAsync"/> runs before it decides a flow never settles
    /// (for example a task that always asks to run again at once). Default 10,000.
    /// </summary>
    public int MaxRounds { get; set; } = 10_000;
}
