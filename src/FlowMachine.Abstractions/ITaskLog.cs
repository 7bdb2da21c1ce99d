namespace FlowMachine;

/// <summary>Where a task writes what it has to say; the host decides where it goes.</summary>
public interface ITaskLog
{
    /// <summary>Writes an informational line.</summary>
    void Info(string message);

    /// <summary>Writes a warning line.</summary>
    void Warn(string message);

    /// <summary>Writes an error line.</summary>
    void Error(string message);
}

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
