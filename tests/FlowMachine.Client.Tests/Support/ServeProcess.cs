using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace FlowMachine.Client.Tests.Support;

/// <summary>
/// A real <c>flowmachine serve</c> child process (the built flowmachine.dll next to the tests) on a free loopback
/// port with its own SQLite file and a known admin key, shared by a test class; disposing kills it and removes its folder.
/// </summary>
public sealed class ServeProcess : IAsyncLifetime
{
    public const string AdminKey = "fm_serve-process-admin-key-0123456789abcdefghijk";

    private readonly StringBuilder output = new();
    private Process process = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("fm-serve-").FullName;

    /// <summary>The server's SQLite file.</summary>
    public string DbPath => Path.Combine(Folder, "serve.db");

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--db", DbPath })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["FLOWMACHINE_ADMIN_KEY"] = AdminKey;
        start.Environment.Remove("FLOWMACHINE_URL");
        start.Environment.Remove("FLOWMACHINE_API_KEY");
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilHealthyAsync();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"serve exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"serve did not answer /healthz in 60 s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
    }
}
