namespace FlowMachine.Cli.Hosting;

/// <summary>What every verb needs to open the store and the task registry.</summary>
/// <param name="DbPath">The SQLite file.</param>
/// <param name="DbGiven">True when the path came from <c>--db</c> (hints then repeat it).</param>
/// <param name="TaskFolders">Plugin folders from <c>--tasks</c>.</param>
/// <param name="Examples">Whether the sample tasks (test.One, …) are registered.</param>
internal sealed record HostSettings(string DbPath, bool DbGiven, IReadOnlyList<string> TaskFolders, bool Examples)
{
    /// <summary>The queues a worker of this host serves (<c>--queue</c>); empty: <c>default</c>.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>Whether this host exports traces, metrics and logs over OTLP when the OTEL_* variables name an endpoint (<c>worker</c>).</summary>
    public bool Telemetry { get; init; }

    /// <summary>" --db PATH" when the path was given on the command line, for hints that must hit the same file.</summary>
    public string DbArgument => DbGiven ? $" --db {Quote(DbPath)}" : "";

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
