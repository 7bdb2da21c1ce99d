using System.Text.Json.Nodes;

namespace FlowMachine.Cli.Tests.Support;

/// <summary>A temp folder with its own SQLite file per test; runs the CLI in-process against it.</summary>
public sealed class CliFixture : IDisposable
{
    public CliFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "fm-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
        Db = Path.Combine(Folder, "flows.db");
    }

    public string Folder { get; }

    public string Db { get; }

    /// <summary>The path of an example spec copied next to the test assembly.</summary>
    public static string Spec(string name) => Path.Combine(AppContext.BaseDirectory, "specs", name);

    /// <summary>Writes a spec file into the test's folder and returns its path.</summary>
    public string WriteSpec(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <c>flowmachine ARGS --db THIS_DB</c>.</summary>
    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(CancellationToken.None, args);

    public async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--db", Db], stdout, stderr, cancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a verb with --json and parses stdout.</summary>
    public async Task<(CliResult Result, JsonNode Json)> JsonAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--json"]);
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(result.Out);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not JSON ({ex.Message}):\n{result}");
        }

        return (result, json ?? throw new Xunit.Sdk.XunitException("stdout is JSON null"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test; the temp folder is cleaned by the OS.
        }
    }
}
