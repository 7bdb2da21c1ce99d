using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace FlowMachine.Cli.Tests.Support;

/// <summary>
/// The built tool as a real child process (<c>flowmachine serve</c> on a free loopback port, a worker, ...), with what
/// it has printed so far. Inherited OTEL_* variables are dropped: a test names the ones it wants.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();

    private ToolProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The port <c>serve</c> listens on (0 for other commands).</summary>
    public int Port { get; }

    public string Out => Read(stdout);

    public string Err => Read(stderr);

    /// <summary>Starts <c>serve --urls ... --db ...</c> with <paramref name="extra"/> arguments; a null variable value removes it.</summary>
    public static ToolProcess Serve(CliFixture cli, IEnumerable<string> extra, IReadOnlyDictionary<string, string?> environment)
    {
        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        return Start(cli, ["serve", "--urls", $"http://127.0.0.1:{port}", "--db", cli.Db, .. extra], environment, port);
    }

    /// <summary>Starts the tool with <paramref name="args"/>; a null variable value removes it.</summary>
    public static ToolProcess Start(CliFixture cli, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, int port = 0)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cli.Folder,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "flowmachine.dll") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new ToolProcess(Process.Start(start)!, port);
    }

    /// <summary>Waits until the banner (and whatever else <paramref name="ready"/> wants) is printed.</summary>
    public async Task WaitForBannerAsync(TimeSpan patience, Func<ToolProcess, bool>? ready = null)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!Err.Contains("dashboard: ", StringComparison.Ordinal) || (ready is not null && !ready(this)))
        {
            Assert.False(process.HasExited, $"serve exited with {(process.HasExited ? process.ExitCode : 0)}:\n{Out}\n{Err}");
            Assert.True(DateTime.UtcNow < deadline, $"no banner in {patience}:\n{Out}\n{Err}");
            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    public void Dispose() => process.Dispose();

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
