using System.Collections.Concurrent;

namespace FlowMachine.Tests.Support;

/// <summary>A task log that keeps every line for assertions.</summary>
public sealed class CapturingLog : ITaskLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Info(string message) => Lines.Enqueue(message);

    public void Warn(string message) => Lines.Enqueue("WARN " + message);

    public void Error(string message) => Lines.Enqueue("ERROR " + message);
}
