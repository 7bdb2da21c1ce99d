namespace FlowMachine.Cli.Output;

/// <summary>Sends task log lines to a writer; steps run in parallel, so writes are serialised.</summary>
internal sealed class WriterTaskLog(TextWriter writer) : ITaskLog
{
    private readonly Lock gate = new();

    /// <summary>When set (by a live display), lines go here instead of the writer.</summary>
    public Action<string>? Redirect { get; set; }

    public void Info(string message) => Write(message);

    public void Warn(string message) => Write("warn: " + message);

    public void Error(string message) => Write("error: " + message);

    private void Write(string line)
    {
        lock (gate)
        {
            if (Redirect is { } redirect)
            {
                redirect(line);
            }
            else
            {
                writer.WriteLine(line);
            }
        }
    }
}
