using System.CommandLine;

namespace FlowMachine.Cli.Hosting;

/// <summary>
/// The options every verb takes (<c>--db</c>, <c>--tasks</c>, <c>--no-examples</c>, <c>--server</c>, <c>--api-key</c>), declared
/// once on the root. A verb that works on a database reads them with <see cref="Read"/>, which refuses a server; a verb
/// that can talk to a server asks <see cref="ReadServer"/> first.
/// </summary>
internal sealed class GlobalOptions
{
    /// <summary>The environment variable that names the database when <c>--db</c> is not given.</summary>
    public const string DbVariable = "FLOWMACHINE_DB";

    /// <summary>The database used when neither <c>--db</c> nor the variable is set.</summary>
    public const string DefaultDb = "./flowmachine.db";

    public Option<string?> Db { get; } = new("--db")
    {
        Description = $"The SQLite database file, or a postgres:// URL or connection string (default: ${DbVariable} or {DefaultDb}).",
        HelpName = "PATH",
        Recursive = true,
    };

    public Option<string[]> Tasks { get; } = new("--tasks")
    {
        Description = "A folder of task plugin assemblies (*.dll) to load; repeatable.",
        HelpName = "DIR",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<bool> NoExamples { get; } = new("--no-examples")
    {
        Description = "Do not register the sample task types (test.One, test.Two, test.Three, test.Wait, example.VeryLong).",
        Recursive = true,
    };

    /// <summary>The environment variable that names the server when <c>--server</c> is not given.</summary>
    public const string ServerVariable = "FLOWMACHINE_URL";

    /// <summary>The environment variable that holds the API key when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "FLOWMACHINE_API_KEY";

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"Talk to the FlowMachine server at this URL instead of opening a database (default: ${ServerVariable}); verbs that work only on a database refuse it.",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The API key for --server (default: ${ApiKeyVariable}).",
        HelpName = "KEY",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Db);
        root.Options.Add(Tasks);
        root.Options.Add(NoExamples);
        root.Options.Add(Server);
        root.Options.Add(ApiKey);
    }

    /// <summary>The server to talk to (<c>--server</c>, else <c>FLOWMACHINE_URL</c>), or null to open the database.</summary>
    /// <exception cref="UsageException">The URL is not an http(s) URL, or <c>--db</c> was given too.</exception>
    public ServerTarget? ReadServer(ParseResult parse)
    {
        var given = parse.GetValue(Server);
        var text = !string.IsNullOrWhiteSpace(given) ? given : Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server '{text}' is not a server URL; give one such as http://localhost:5080.");
        }

        if (!string.IsNullOrWhiteSpace(parse.GetValue(Db)))
        {
            throw new UsageException("give either --db (a database to open) or --server (a server to talk to), not both.");
        }

        var key = parse.GetValue(ApiKey);
        return new ServerTarget(url, !string.IsNullOrWhiteSpace(key) ? key.Trim() : Environment.GetEnvironmentVariable(ApiKeyVariable)?.Trim());
    }

    /// <summary>The database settings of a verb that works on a database.</summary>
    /// <exception cref="UsageException">A server is set (<c>--server</c> or <c>FLOWMACHINE_URL</c>): this verb does not talk to one.</exception>
    public HostSettings Read(ParseResult parse)
    {
        if (ReadServer(parse) is not null)
        {
            var fromVariable = string.IsNullOrWhiteSpace(parse.GetValue(Server));
            throw new UsageException($"'{VerbOf(parse)}' is not supported with --server{(fromVariable ? $" (set by {ServerVariable})" : "")}: it works on a database; " +
                $"run it with --db{(fromVariable ? $" after unsetting {ServerVariable}" : " instead of --server")}.");
        }

        return ReadDatabase(parse);
    }

    private HostSettings ReadDatabase(ParseResult parse)
    {
        var given = parse.GetValue(Db);
        var fromEnv = Environment.GetEnvironmentVariable(DbVariable);
        var path = !string.IsNullOrWhiteSpace(given) ? given
            : !string.IsNullOrWhiteSpace(fromEnv) ? fromEnv
            : DefaultDb;
        return new HostSettings(path, !string.IsNullOrWhiteSpace(given), parse.GetValue(Tasks) ?? [], !parse.GetValue(NoExamples));
    }

    /// <summary>The verb as typed, such as <c>flowmachine flows purge</c>.</summary>
    private static string VerbOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Add(result.Command.Name);
        }

        names.Add("flowmachine");
        names.Reverse();
        return string.Join(' ', names);
    }
}
