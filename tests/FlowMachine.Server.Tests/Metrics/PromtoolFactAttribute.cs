namespace FlowMachine.Server.Tests.Metrics;

/// <summary>
/// A test that needs promtool. Locally it skips (saying why) when promtool is missing; in CI (<c>CI=true</c>)
/// it runs anyway and fails loudly, so a missing linter can never pass as green.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (!Promtool.IsInstalled && !Promtool.Required)
        {
            Skip = $"promtool is not installed at {Promtool.ExecutablePath}: run 'source .ci/setup-prometheus.sh' (CI installs it and never skips).";
        }
    }
}
