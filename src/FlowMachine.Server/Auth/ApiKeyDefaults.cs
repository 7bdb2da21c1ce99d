namespace FlowMachine.Server.Auth;

/// <summary>Names of the API-key scheme, its role and policy.</summary>
internal static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string AdminRole = "admin";
    public const string AdminPolicy = "admin";
}
