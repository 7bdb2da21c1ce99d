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
