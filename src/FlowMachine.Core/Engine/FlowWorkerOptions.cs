namespace FlowMachine.Engine;

/// <summary>Settings of a <see cref="FlowWorker"/>.</summary>
public sealed class FlowWorkerOptions
{
    /// <summary>How many flows the worker runs at once.</summary>
    public int Concurrency { get; set; } = FlowMachineDefaults.Worker.Concurrency;

    /// <summary>The longest the worker sleeps before looking at the store again when nothing wakes it (other processes, timers).</summary>
    public TimeSpan PollInterval { get; set; } = FlowMachineDefaults.Worker.PollInterval;

    /// <summary>How long running steps may go on after a stop is asked for before they are cancelled.</summary>
    public TimeSpan ShutdownGrace { get; set; } = FlowMachineDefaults.Worker.ShutdownGrace;

    /// <summary>Checks the settings once, at start.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Concurrency is < 1 or > FlowMachineDefaults.Worker.MaxConcurrency)
        {
            throw new ArgumentException($"Concurrency must be between 1 and 10000 (was {Concurrency}).", nameof(Concurrency));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PollInterval must be positive (was {PollInterval}).", nameof(PollInterval));
        }

        if (ShutdownGrace < TimeSpan.Zero)
        {
            throw new ArgumentException($"ShutdownGrace must not be negative (was {ShutdownGrace}).", nameof(ShutdownGrace));
        }
    }
}
