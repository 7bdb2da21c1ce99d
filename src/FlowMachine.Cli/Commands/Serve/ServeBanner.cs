using FlowMachine.Registry;

namespace FlowMachine.Cli.Commands.Serve;

/// <summary>
/// What <c>serve</c> says once it listens (after naming the database): where, the task folders and task types it loaded, and where
/// the dashboard is. A connection string is never echoed (it may hold a password).
/// </summary>
internal static class ServeBanner
{
    public static void Write(TextWriter err, IReadOnlyList<string> addresses, IReadOnlyList<string> taskFolders, TaskRegistry registry, bool verbose)
    {
        foreach (var address in addresses)
        {
            err.WriteLine($"listening on {address}");
        }

        foreach (var folder in taskFolders)
        {
            var loaded = registry.All.Count(t => t.Source is { } source && IsUnder(source, folder));
            err.WriteLine($"task folder: {Path.GetFullPath(folder)} ({loaded} task type{(loaded == 1 ? "" : "s")})");
        }

        var names = registry.All.Select(t => t.Name).ToList();
        err.WriteLine($"task types ({names.Count}): {(names.Count == 0 ? "none" : string.Join(", ", names))}");
        if (addresses.Count > 0)
        {
            err.WriteLine($"dashboard: {Browsable(addresses[0])}/ (sign in with an API key)");
        }

        err.WriteLine(verbose
            ? "logging every request (--verbose)"
            : "quiet log: warnings and FlowMachine's own messages; --verbose or Logging__LogLevel__Default=Information logs every request");
        err.Flush();
    }

    private static bool IsUnder(string source, string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(source).StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>A wildcard address (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) as a browser would open it on this machine.</summary>
    private static string Browsable(string address) =>
        address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
}
