namespace FlowMachine.Tests.BuiltIns;

/// <summary>A clock stopped at one instant, for deterministic timers.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
