using System.Text.RegularExpressions;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests;

/// <summary>What <c>flowmachine serve</c> prints as a real process: a short banner, and no line per request unless asked.</summary>
public sealed class ServeLogProcessTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Serve_is_quiet_by_default_and_its_banner_says_where_what_and_the_dashboard()
    {
        var plugins = Path.Combine(cli.Folder, "plugins");
        Directory.CreateDirectory(plugins);
        var (stdout, stderr) = await ServeAndRequestAsync(["--tasks", plugins], env: null);

        Assert.Contains($"serving {cli.Db}; Ctrl+C stops it", stderr, StringComparison.Ordinal);
        Assert.Matches(@"listening on http://127\.0\.0\.1:\d+", stderr);
        Assert.Contains($"task folder: {plugins} (0 task types)", stderr, StringComparison.Ordinal);
        Assert.Matches(@"task types \(\d+\): .*test\.One", stderr);
        Assert.Matches(@"dashboard: http://127\.0\.0\.1:\d+/ ", stderr);

        // The first start's key and FlowMachine's own lines stay; the framework's per-request and hosting notes do not.
        Assert.Matches("fm_[A-Za-z0-9_-]{43}", stdout);
        Assert.Contains("worker", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Request finished", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Executing endpoint", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Content root", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("DataProtection", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.", stdout, StringComparison.Ordinal);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 8, $"{lines.Length} lines for 10 requests:\n{stdout}");
    }

    [Fact]
    public async Task Serve_verbose_and_the_log_level_variable_bring_the_request_lines_back()
    {
        var (verbose, verboseErr) = await ServeAndRequestAsync(["--verbose"], env: null);
        Assert.Contains("Request starting", verbose, StringComparison.Ordinal);
        Assert.Contains("logging every request (--verbose)", verboseErr, StringComparison.Ordinal);

        var (configured, _) = await ServeAndRequestAsync([], env: ("Logging__LogLevel__Default", "Information"));
        Assert.Contains("Request starting", configured, StringComparison.Ordinal);
    }

    /// <summary>Starts the built tool, waits for its banner, sends ten requests, stops it and returns what it printed.</summary>
    private async Task<(string Out, string Err)> ServeAndRequestAsync(string[] extra, (string Name, string Value)? env)
    {
        var environment = new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = null };
        if (env is { } variable)
        {
            environment[variable.Name] = variable.Value;
        }

        using var serve = ToolProcess.Serve(cli, extra, environment);
        try
        {
            await serve.WaitForBannerAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.Port}") };
            for (var i = 0; i < 5; i++)
            {
                (await http.GetAsync("/healthz")).EnsureSuccessStatusCode();
                await http.GetAsync("/api/v1/flows"); // 401: no key
            }

            // The console logger writes on its own thread: give it a moment before the process is stopped.
            await Task.Delay(500);
        }
        finally
        {
            await serve.StopAsync();
        }

        return (serve.Out, serve.Err);
    }
}
