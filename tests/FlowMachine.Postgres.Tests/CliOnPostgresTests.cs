using System.Text.Json.Nodes;
using FlowMachine.Cli;

namespace FlowMachine.Postgres.Tests;

/// <summary>The flowmachine command against PostgreSQL: `--db` takes a connection string or a postgres:// URL.</summary>
public sealed class CliOnPostgresTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--db", db.ConnectionString], stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [PostgresFact]
    public async Task Seed_routine_waits_then_completes_through_the_cli_on_postgres()
    {
        var spec = Path.Combine(AppContext.BaseDirectory, "specs", "seed000.yaml");
        var (code, output, error) = await RunAsync("run", spec, "--json");
        Assert.True(code == 3, $"exit {code}: {error}");
        var id = JsonNode.Parse(output)!["id"]!.GetValue<string>();

        (code, _, error) = await RunAsync("flows", "submit", id, "--args", """{"ok":true}""");
        Assert.True(code == 0, $"exit {code}: {error}");

        (code, output, _) = await RunAsync("flows", "list", "--json");
        Assert.Equal(0, code);
        Assert.Contains("COMPLETED", output);
    }
}
