namespace FlowMachine.Scheduling;

/// <summary>After downtime: fire the missed slots inside <paramref name="Window"/> before now, oldest first, at most <paramref name="Max"/> (the newest ones).</summary>
public sealed record ScheduleCatchup(TimeSpan Window, int Max);
