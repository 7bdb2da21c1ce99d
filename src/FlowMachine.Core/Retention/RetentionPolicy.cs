namespace FlowMachine.Retention;

/// <summary>
/// How long finished flows are kept before the sweeper deletes them, by the state they ended in, with
/// periods of their own for some routines. A period counts from when the flow ended.
/// </summary>
public sealed class RetentionPolicy
{
    /// <summary>A period that keeps flows for good (<c>keep: forever</c>).</summary>
    public static readonly TimeSpan Forever = TimeSpan.MaxValue;

    /// <summary>The states retention deletes, in the order the sweeper visits them.</summary>
    public static readonly IReadOnlyList<FlowState> States = [FlowState.Completed, FlowState.Failed, FlowState.Killed, FlowState.Cancelled];

    /// <summary>Whether the sweeper runs in this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>COMPLETED flows: 30 days.</summary>
    public TimeSpan Completed { get; set; } = TimeSpan.FromDays(30);

    /// <summary>FAILED flows: 90 days.</summary>
    public TimeSpan Failed { get; set; } = TimeSpan.FromDays(90);

    /// <summary>KILLED flows: 30 days.</summary>
    public TimeSpan Killed { get; set; } = TimeSpan.FromDays(30);

    /// <summary>CANCELLED flows: 30 days.</summary>
    public TimeSpan Cancelled { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Periods of their own for the flows of some routines, by routine name.</summary>
    public IDictionary<string, RetentionPeriods> Routines { get; } = new Dictionary<string, RetentionPeriods>(StringComparer.Ordinal);

    /// <summary>How often the sweeper looks for flows to delete: every 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Top-level flows deleted per transaction: 200, so no batch holds workers up for long.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>The shortest pause between two batches, which lets workers and autovacuum keep up: 50 ms.</summary>
    public TimeSpan Pause { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The largest share of its time a sweep spends deleting: 0.1. After a batch that took T, a sweep pauses
    /// T × (1 − DutyCycle) / DutyCycle (at least <see cref="Pause"/>), so a batch slowed down by busy workers is
    /// followed by a longer pause. 1 pauses only <see cref="Pause"/>. <c>flows purge</c> pauses only <see cref="Pause"/>.
    /// A sweep still running after <see cref="Interval"/> has fallen behind and speeds up: see <see cref="DutyCycleAfter"/>.
    /// </summary>
    public double DutyCycle { get; set; } = 0.1;

    /// <summary>The pause after a batch of a sweep that took <paramref name="took"/>: see <see cref="DutyCycle"/>.</summary>
    public TimeSpan PauseAfter(TimeSpan took) => PauseAfter(took, DutyCycle);

    /// <summary>
    /// The pause after a batch that took <paramref name="took"/> in a sweep that has been running for
    /// <paramref name="sweeping"/>: a sweep that runs past <see cref="Interval"/> has fallen behind (the next one
    /// is due), so its duty cycle doubles for every whole interval it has run, up to 1, until it has caught up.
    /// </summary>
    public TimeSpan PauseAfter(TimeSpan took, TimeSpan sweeping) => PauseAfter(took, DutyCycleAfter(sweeping));

    /// <summary>
    /// The duty cycle of a sweep that has been running for <paramref name="sweeping"/>: <see cref="DutyCycle"/>
    /// for its first <see cref="Interval"/>, then doubled for every further whole interval, at most 1.
    /// </summary>
    public double DutyCycleAfter(TimeSpan sweeping)
    {
        if (Interval <= TimeSpan.Zero || sweeping < Interval)
        {
            return DutyCycle;
        }

        var behind = Math.Min(sweeping.Ticks / Interval.Ticks, 30);
        return Math.Min(1.0, DutyCycle * Math.Pow(2, behind));
    }

    private TimeSpan PauseAfter(TimeSpan took, double dutyCycle)
    {
        var paced = dutyCycle is > 0 and < 1 ? took * ((1 - dutyCycle) / dutyCycle) : TimeSpan.Zero;
        return paced > Pause ? paced : Pause;
    }

    /// <summary>The global period for <paramref name="state"/>.</summary>
    public TimeSpan For(FlowState state) => state switch
    {
        FlowState.Completed => Completed,
        FlowState.Failed => Failed,
        FlowState.Killed => Killed,
        FlowState.Cancelled => Cancelled,
        _ => Forever,
    };

    /// <summary>Sets <paramref name="target"/> to this policy (the routines' periods are shared, not copied).</summary>
    public void CopyTo(RetentionPolicy target)
    {
        ArgumentNullException.ThrowIfNull(target);
        (target.Enabled, target.Completed, target.Failed, target.Killed, target.Cancelled) = (Enabled, Completed, Failed, Killed, Cancelled);
        (target.Interval, target.BatchSize, target.Pause, target.DutyCycle) = (Interval, BatchSize, Pause, DutyCycle);
        target.Routines.Clear();
        foreach (var (routine, periods) in Routines)
        {
            target.Routines[routine] = periods;
        }
    }

    /// <summary>Sets the global period of a finished <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The state is not one retention deletes.</exception>
    public void Set(FlowState state, TimeSpan period)
    {
        switch (state)
        {
            case FlowState.Completed: Completed = period; break;
            case FlowState.Failed: Failed = period; break;
            case FlowState.Killed: Killed = period; break;
            case FlowState.Cancelled: Cancelled = period; break;
            default: throw new ArgumentOutOfRangeException(nameof(state), state, "only COMPLETED, FAILED, KILLED and CANCELLED flows are deleted");
        }
    }

    /// <summary>Every problem with the settings, empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var periods = States.Select(s => (Name: s.ToString(), Period: (TimeSpan?)For(s)))
            .Concat(Routines.SelectMany(r => States.Select(s => (Name: $"Routines:{r.Key}:{s}", Period: r.Value.For(s)))));
        foreach (var (name, period) in periods)
        {
            if (period is { } p && p <= TimeSpan.Zero)
            {
                problems.Add($"FlowMachine:Retention:{name} must be positive (was {p}).");
            }
        }

        if (BatchSize is < 1 or > 10_000)
        {
            problems.Add($"FlowMachine:Retention:BatchSize must be between 1 and 10000 (was {BatchSize}).");
        }

        if (Interval <= TimeSpan.Zero || Pause < TimeSpan.Zero)
        {
            problems.Add($"FlowMachine:Retention:Interval must be positive and Pause not negative (were {Interval}, {Pause}).");
        }

        if (!(DutyCycle is > 0 and <= 1))
        {
            problems.Add($"FlowMachine:Retention:DutyCycle must be more than 0 and at most 1 (was {DutyCycle}).");
        }

        return problems;
    }
}
