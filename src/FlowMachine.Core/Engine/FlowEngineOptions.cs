namespace FlowMachine.Engine;

/// <summary>Settings of a <see cref="FlowEngine"/>; defaults live here and nowhere else.</summary>
public sealed class FlowEngineOptions
{
    /// <summary>The clock for timers, retries and leases. Tests pass a fake one.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Where tasks' log lines go.</summary>
    public ITaskLog TaskLog { get; set; } = NullTaskLog.Instance;

    /// <summary>The host's services, handed to tasks and task constructors.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>This engine's lease owner name; unique per process.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a lease lasts without a heartbeat; a dead worker's flows are taken over after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Creates flow ids; tests may make them deterministic.</summary>
    public Func<string> NewId { get; set; } = () => Guid.CreateVersion7().ToString("N");

    /// <summary>Checks the settings once, at start.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"LeaseDuration must be at least 1 second (was {LeaseDuration}).", nameof(LeaseDuration));
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw new ArgumentException("WorkerId must not be empty.", nameof(WorkerId));
        }
    }
}
