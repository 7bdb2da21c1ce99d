using System.Collections.Concurrent;

namespace FlowMachine.Testing;

/// <summary>Keeps every task log line so tests can read what tasks wrote.</summary>
internal sealed class CapturingTaskLog : ITaskLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Info(string message) => Lines.Enqueue(message);

    public void Warn(string message) => Lines.Enqueue("WARN " + message);

    public void Error(string message) => Lines.Enqueue("ERROR " + message);
}
