using Microsoft.Extensions.Logging;

namespace FlowMachine.Hosting;

/// <summary>Sends tasks' log lines to the host's logging.</summary>
internal sealed class LoggerTaskLog(ILogger logger) : ITaskLog
{
    public void Info(string message) => LogMessages.TaskInfo(logger, message);

    public void Warn(string message) => LogMessages.TaskWarning(logger, message);

    public void Error(string message) => LogMessages.TaskError(logger, message);
}
