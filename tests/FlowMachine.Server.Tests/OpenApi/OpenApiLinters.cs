using System.Diagnostics;

namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>
/// The OpenAPI linters .ci/setup-openapi-lint.sh installs into .ci/node: found through FLOWMACHINE_SPECTRAL and
/// FLOWMACHINE_REDOCLY, else in the repository's .ci/node. In CI they must be there; elsewhere their tests are skipped.
/// </summary>
internal static class OpenApiLinters
{
    public const string Missing = "the OpenAPI linters are not installed: source .ci/setup-openapi-lint.sh first (it installs them into .ci/node)";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Spectral => Find("FLOWMACHINE_SPECTRAL", "spectral");

    public static string? Redocly => Find("FLOWMACHINE_REDOCLY", "redocly");

    public static bool Installed => Spectral is not null && Redocly is not null;

    /// <summary>Runs <paramref name="tool"/> and returns its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry and no update checks: the linters only read the file they are given.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string? Find(string variable, string name)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path && File.Exists(path))
        {
            return path;
        }

        var local = Path.Combine(Support.Repository.Root, ".ci", "node", "node_modules", ".bin", name);
        return File.Exists(local) ? local : null;
    }
}
