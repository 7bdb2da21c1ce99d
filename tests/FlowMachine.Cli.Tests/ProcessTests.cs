using System.Diagnostics;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests;

/// <summary>The built tool as a real child process: what a user gets from `dotnet flowmachine.dll`.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public void The_built_tool_keeps_idle_pool_threads_from_spinning()
    {
        // What `dotnet flowmachine.dll` and the installed tool start with (docs/operating.md, "CPU").
        var path = Path.Combine(AppContext.BaseDirectory, "flowmachine.runtimeconfig.json");
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var limit), $"{path} sets no spin limit");
        Assert.Equal(0, limit.GetInt32());
    }

    [Fact]
    public async Task The_built_executable_runs_a_spec_and_exits_0()
    {
        // The project reference copies flowmachine.dll with its runtimeconfig and deps next to the tests.
        var dll = Path.Combine(AppContext.BaseDirectory, "flowmachine.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built next to the tests");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cli.Folder,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "run", CliFixture.Spec("seed004.yaml"), "--db", cli.Db })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.True(output.IndexOf("I am task_1.", StringComparison.Ordinal) < output.IndexOf("I am task_2.", StringComparison.Ordinal), output);
        Assert.Contains("✓ task_2  COMPLETED  (attempt 1)", output, StringComparison.Ordinal);
        Assert.Contains("(example_flow)  COMPLETED", output, StringComparison.Ordinal);
        Assert.True(File.Exists(cli.Db));
    }
}
