namespace FlowMachine.Dashboard.Tests.Support;

/// <summary>
/// A test that needs Chromium. Locally it skips (saying why) when the browser is missing; in CI
/// (<c>CI=true</c>) it runs anyway and fails loudly, so a missing browser can never pass as green.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Browser.IsInstalled && !Browser.Required)
        {
            Skip = $"Chromium is not installed at {Browser.ExecutablePath}: run 'source .ci/setup-chromium.sh' (CI installs it and never skips).";
        }
    }
}
