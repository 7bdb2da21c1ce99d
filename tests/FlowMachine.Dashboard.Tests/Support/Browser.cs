namespace FlowMachine.Dashboard.Tests.Support;

/// <summary>Where Debian's Chromium is, and whether the browser tests may skip without it (never in CI).</summary>
internal static class Browser
{
    public const string Variable = "FLOWMACHINE_CHROMIUM";

    public static string ExecutablePath => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>In CI, or when the setup script named a browser, a missing browser is a failure, not a skip.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The flags this machine needs: no sandbox as root, and no background calls to a network that is closed.</summary>
    public static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];
}
