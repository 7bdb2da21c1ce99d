using Microsoft.Extensions.Configuration;

namespace FlowMachine.Server;

/// <summary>
/// The log levels of a quiet server: FlowMachine's own messages, the framework's warnings and errors only (so no line per
/// request and no hosting banner), no key-ring notes. They are the lowest layer of configuration, so
/// <c>Logging__LogLevel__Default=Information</c> (an environment variable or appsettings) brings the details back.
/// </summary>
internal static class QuietLogging
{
    public static IReadOnlyDictionary<string, string?> Levels { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:FlowMachine"] = "Information",

        // The framework's authentication base class logs every challenge under the handler's own name.
        ["Logging:LogLevel:FlowMachine.Server.Auth.ApiKeyAuthenticationHandler"] = "Warning",

        // Key-ring notes (where keys are kept, that they are not encrypted at rest) on every start are not actionable here.
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
    };

    /// <summary>Puts <see cref="Levels"/> under every other configuration source.</summary>
    public static void AddTo(IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Levels });
}
