namespace FlowMachine.Server.Tests.Metrics;

/// <summary>Where Prometheus's promtool is, and whether the lint test may skip without it (never in CI).</summary>
internal static class Promtool
{
    public const string Variable = "FLOWMACHINE_PROMTOOL";

    public static string ExecutablePath => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : "/usr/bin/promtool";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>In CI, or when the setup script named a promtool, a missing one is a failure, not a skip.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable));
}
