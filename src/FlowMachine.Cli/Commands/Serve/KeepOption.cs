using FlowMachine.Retention;
using FlowMachine.Scheduling;

namespace FlowMachine.Cli.Commands.Serve;

/// <summary><c>serve --keep STATE=DURATION</c>: one global retention period; <c>forever</c> keeps flows for good.</summary>
internal static class KeepOption
{
    /// <exception cref="UsageException">The text is not STATE=DURATION with a finished state and a positive duration or <c>forever</c>.</exception>
    public static void Apply(string text, RetentionPolicy policy)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !StateNames.TryParseFlowState(parts[0], out var state) || !state.IsTerminal())
        {
            throw new UsageException($"--keep '{text}' must be STATE=DURATION with STATE one of completed, failed, killed, cancelled (like completed=30d or failed=forever).");
        }

        if (string.Equals(parts[1], "forever", StringComparison.OrdinalIgnoreCase))
        {
            policy.Set(state, RetentionPolicy.Forever);
        }
        else if (Durations.TryParse(parts[1], out var period) && period > TimeSpan.Zero)
        {
            policy.Set(state, period);
        }
        else
        {
            throw new UsageException($"--keep '{text}': '{parts[1]}' is not a duration; write it like 30d, 12h or forever.");
        }
    }
}
