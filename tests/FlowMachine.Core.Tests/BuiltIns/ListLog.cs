namespace FlowMachine.Tests.BuiltIns;

/// <summary>A task log that keeps its lines for assertions.</summary>
internal sealed class ListLog : ITaskLog
{
    public List<string> Lines { get; } = [];

    public void Info(string message) => Lines.Add("info: " + message);

    public void Warn(string message) => Lines.Add("warn: " + message);

    public void Error(string message) => Lines.Add("error: " + message);
}
