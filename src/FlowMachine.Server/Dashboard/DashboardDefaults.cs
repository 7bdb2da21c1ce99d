namespace FlowMachine.Server.Dashboard;

/// <summary>Names of the dashboard's cookie scheme, policy, cookies and form field.</summary>
internal static class DashboardDefaults
{
    public const string Scheme = "DashboardCookie";
    public const string Policy = "dashboard";
    public const string SessionCookie = "flowmachine.session";
    public const string CsrfCookie = "flowmachine.csrf";
    public const string CsrfField = "__csrf";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);
}
