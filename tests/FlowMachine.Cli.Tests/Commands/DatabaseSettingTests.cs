namespace FlowMachine.Cli.Tests.Commands;

/// <summary>A PostgreSQL setting that cannot be read is one clear line and exit 1 for every verb, its password hidden.</summary>
public sealed class DatabaseSettingTests
{
    [Theory]
    [InlineData("serve", "--urls", "http://127.0.0.1:0")]
    [InlineData("worker")]
    [InlineData("flows", "list")]
    [InlineData("users", "list")]
    public async Task A_malformed_postgres_url_is_one_line_and_exit_1(params string[] verb)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync([.. verb, "--db", "postgresql://app:s3cret-pw@[bad/flows"], stdout, stderr, CancellationToken.None);

        var err = stderr.ToString();
        Assert.True(code == 1, $"exit {code}\n{stdout}\n{err}");
        Assert.Contains("error: ", err, StringComparison.Ordinal);
        Assert.Contains("is not a PostgreSQL URL", err, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", err + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", err, StringComparison.Ordinal);
    }
}
