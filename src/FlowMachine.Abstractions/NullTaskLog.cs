namespace FlowMachine;

/// <summary>A log that drops everything.</summary>
public sealed class NullTaskLog : ITaskLog
{
    /// <summary>The shared instance.</summary>
    public static NullTaskLog Instance { get; } = new();

    /// <inheritdoc/>
    public void Info(string message) { }

    /// <inheritdoc/>
    public void Warn(string message) { }

    /// <inheritdoc/>
    public void Error(string message) { }
}
