using Microsoft.Extensions.Logging;

namespace FlowMachine.Server;

/// <summary>Every log message of the server, with stable event ids.</summary>
internal static partial class LogMessages
{
    public const int AdminKeyGeneratedId = 3001;
    public const int AdminKeyFromEnvironmentId = 3002;
    public const int AdminNameTakenId = 3003;
    public const int BadRequestId = 3101;
    public const int UnexpectedErrorId = 3102;
    public const int KeyRejectedId = 3201;

    [LoggerMessage(EventId = AdminKeyGeneratedId, Level = LogLevel.Warning, Message = "No users existed: created user 'admin' and printed its API key once; store it now, it cannot be shown again")]
    public static partial void AdminKeyGenerated(ILogger logger);

    [LoggerMessage(EventId = AdminKeyFromEnvironmentId, Level = LogLevel.Information, Message = "The admin API key from the configuration was stored for user '{User}'")]
    public static partial void AdminKeyFromEnvironment(ILogger logger, string user);

    [LoggerMessage(EventId = AdminNameTakenId, Level = LogLevel.Warning, Message = "User 'admin' exists but is not an administrator; the configured admin key was not stored")]
    public static partial void AdminNameTaken(ILogger logger);

    [LoggerMessage(EventId = BadRequestId, Level = LogLevel.Debug, Message = "Refused a bad request with {Status}: {Detail}")]
    public static partial void BadRequest(ILogger logger, int status, string detail);

    [LoggerMessage(EventId = UnexpectedErrorId, Level = LogLevel.Error, Message = "Unexpected error while handling {Method} {Path}")]
    public static partial void UnexpectedError(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = KeyRejectedId, Level = LogLevel.Debug, Message = "Refused an API key: {Reason}")]
    public static partial void KeyRejected(ILogger logger, string reason);
}
