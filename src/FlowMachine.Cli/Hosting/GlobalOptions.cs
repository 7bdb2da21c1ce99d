using System.CommandLine;

namespace FlowMachine.Cli.Hosting;

/// <summary>The options every verb takes (<c>--db</c>, <c>--tasks</c>, <c>--no-examples</c>), declared once on the root.</summary>
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

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Db);
        root.Options.Add(Tasks);
        root.Options.Add(NoExamples);
    }

    public HostSettings Read(ParseResult parse)
    {
        var given = parse.GetValue(Db);
        var fromEnv = Environment.GetEnvironmentVariable(DbVariable);
        var path = !string.IsNullOrWhiteSpace(given) ? given
            : !string.IsNullOrWhiteSpace(fromEnv) ? fromEnv
            : DefaultDb;
        return new HostSettings(path, !string.IsNullOrWhiteSpace(given), parse.GetValue(Tasks) ?? [], !parse.GetValue(NoExamples));
    }
}
