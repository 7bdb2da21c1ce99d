using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace FlowMachine.Benchmarks.Tests;

/// <summary>A tiny run of the benchmark harness, so it never rots; the full run is manual.</summary>
public sealed class SmokeRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_harness_runs_every_workload_on_memory_and_sqlite_and_writes_its_figures()
    {
        var json = Path.Combine(Path.GetTempPath(), $"flowmachine-bench-{Guid.NewGuid():N}.json");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "FlowMachine.Benchmarks.dll"), "--smoke", "--store", "memory,sqlite", "--json", json })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(await stdout);
        Assert.True(process.ExitCode == 0, await stderr);

        var results = JsonNode.Parse(await File.ReadAllTextAsync(json))!["results"]!.AsArray();
        File.Delete(json);
        foreach (var store in new[] { "memory", "sqlite" })
        {
            var rows = results.Where(r => r!["store"]!.GetValue<string>() == store).ToList();
            Assert.Contains(rows, r => r!["workload"]!.GetValue<string>().StartsWith("W3", StringComparison.Ordinal) && r["steps_per_s"]!.GetValue<double>() > 0);
            Assert.Contains(rows, r => r!["workload"]!.GetValue<string>().StartsWith("W10", StringComparison.Ordinal) && r["steps_per_s"]!.GetValue<double>() > 0);
            Assert.Contains(rows, r => r!["workload"]!.GetValue<string>().StartsWith("L1", StringComparison.Ordinal) && r["p99_ms"]!.GetValue<double>() > 0);
            Assert.Contains(rows, r => r!["workload"]!.GetValue<string>().StartsWith("push", StringComparison.Ordinal));
            Assert.Contains(rows, r => r!["workload"]!.GetValue<string>().StartsWith("per-step cost", StringComparison.Ordinal) && r["ratio"]!.GetValue<double>() > 0);
        }

        Assert.Contains(results, r => r!["workload"]!.GetValue<string>().EndsWith("WAITING flows", StringComparison.Ordinal) && r["list_page_p50_ms"]!.GetValue<double>() > 0);
    }
}
