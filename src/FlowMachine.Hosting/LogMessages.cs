using Microsoft.Extensions.Logging;

namespace FlowMachine.Hosting;

/// <summary>Every log message of the host, with stable event ids.</summary>
internal static partial class LogMessages
{
    public const int WorkerStartedId = 1001;
    public const int WorkerStoppedId = 1002;
    public const int FlowFaultedId = 1101;
    public const int SweepFailedId = 1201;
    public const int TaskInfoId = 2001;
    public const int TaskWarningId = 2002;
    public const int TaskErrorId = 2003;

    [LoggerMessage(EventId = WorkerStartedId, Level = LogLevel.Information, Message = "FlowMachine worker {WorkerId} started, running up to {Concurrency} flows at once")]
    public static partial void WorkerStarted(ILogger logger, string workerId, int concurrency);

    [LoggerMessage(EventId = WorkerStoppedId, Level = LogLevel.Information, Message = "FlowMachine worker {WorkerId} stopped")]
    public static partial void WorkerStopped(ILogger logger, string workerId);

    [LoggerMessage(EventId = FlowFaultedId, Level = LogLevel.Error, Message = "Running flow {FlowId} failed unexpectedly; it will be retried when its lease expires")]
    public static partial void FlowFaulted(ILogger logger, string flowId, Exception exception);

    [LoggerMessage(EventId = TaskInfoId, Level = LogLevel.Information, Message = "{Message}")]
    public static partial void TaskInfo(ILogger logger, string message);

    [LoggerMessage(EventId = TaskWarningId, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void TaskWarning(ILogger logger, string message);

    [LoggerMessage(EventId = TaskErrorId, Level = LogLevel.Error, Message = "{Message}")]
    public static partial void TaskError(ILogger logger, string message);

    [LoggerMessage(EventId = SweepFailedId, Level = LogLevel.Warning, Message = "The retention sweep failed; it is tried again at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
