using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Telemetry;

/// <summary>A real <c>flowmachine serve</c> with the standard OTEL_* variables set sends traces, metrics and logs over OTLP/HTTP.</summary>
public sealed partial class OtlpExportProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Serve_exports_traces_metrics_and_logs_to_the_endpoint_the_variables_name()
    {
        using var receiver = new OtlpReceiver();
        using var serve = Serve(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "fm-otlp-test",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment.name=otlp-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        try
        {
            var key = await serve.WaitForBannerAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.Port}") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var started = await http.PostAsync("/api/v1/flows", new StringContent("""{"spec":["test.One","test.Two"]}""", Encoding.UTF8, "application/json"));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            var id = (string)JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!;

            // The request's span and the steps' spans, with the service the variables name and their resource attribute.
            var traces = await receiver.WaitForAsync("/v1/traces", Patience, "fm-otlp-test", "otlp-test", "test.One", "test.Two", "flowmachine.flow_id", id, "POST");
            Assert.Contains("flowmachine.task_type", traces, StringComparison.Ordinal);
            Assert.Contains("start inline", traces, StringComparison.Ordinal);
            await receiver.WaitForAsync("/v1/metrics", Patience, "fm-otlp-test", "flowmachine.steps", "flowmachine.step.duration", "http.server.request.duration");
            await receiver.WaitForAsync("/v1/logs", Patience, "fm-otlp-test");
            Assert.All(receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
        }
        finally
        {
            await serve.StopAsync();
        }
    }

    private ServeProcess Serve(IReadOnlyDictionary<string, string> variables)
    {
        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cli.Folder,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--db", cli.Db })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return new ServeProcess(Process.Start(start)!, port);
    }

    [GeneratedRegex("fm_[A-Za-z0-9_-]{43}")]
    private static partial Regex Key();

    /// <summary>The running tool, with what it printed so far.</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder stdout = new();
        private readonly StringBuilder stderr = new();

        public ServeProcess(Process process, int port)
        {
            this.process = process;
            Port = port;
            process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Port { get; }

        /// <summary>Waits for the banner and returns the admin key the first start printed.</summary>
        public async Task<string> WaitForBannerAsync()
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!Read(stderr).Contains("dashboard: ", StringComparison.Ordinal) || !Key().IsMatch(Read(stdout)))
            {
                Assert.False(process.HasExited, $"serve exited:\n{Read(stdout)}\n{Read(stderr)}");
                Assert.True(DateTime.UtcNow < deadline, $"no banner and key in {Patience}:\n{Read(stdout)}\n{Read(stderr)}");
                await Task.Delay(100);
            }

            return Key().Match(Read(stdout)).Value;
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
}
