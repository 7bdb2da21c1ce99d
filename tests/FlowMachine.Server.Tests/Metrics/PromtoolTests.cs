using System.Diagnostics;
using System.Net;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.Metrics;

/// <summary>A live /metrics page passes Prometheus's own linter.</summary>
public sealed class PromtoolTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [PromtoolFact]
    public async Task Metrics_pass_promtool_check_metrics()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":["test.One","test.Two"]}""");
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        var response = await server.Alice.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("flowmachine_step_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("flowmachine_flows_finished_total{", text, StringComparison.Ordinal);

        var (exit, output) = await CheckAsync(text);

        Assert.True(exit == 0, $"promtool check metrics exited {exit}:\n{output}\n--- page ---\n{text}");
        Assert.DoesNotContain("flowmachine_", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> CheckAsync(string page)
    {
        var start = new ProcessStartInfo(Promtool.ExecutablePath, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(page);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
