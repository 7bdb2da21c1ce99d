using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Tests.Support;

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
        using var serve = ToolProcess.Serve(cli, [], new Dictionary<string, string?>
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
            await serve.WaitForBannerAsync(Patience, s => Key().IsMatch(s.Out)); // the first start prints the admin key
            var key = Key().Match(serve.Out).Value;
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

    [Fact]
    public async Task A_worker_exports_the_spans_of_the_steps_it_runs()
    {
        using var receiver = new OtlpReceiver();
        var id = (await cli.RunAsync("start", cli.WriteSpec("two.json", """["test.One","test.Two"]"""))).Out.Trim();
        using var worker = ToolProcess.Start(cli, ["worker", "--db", cli.Db], new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        try
        {
            // No service name given: FlowMachine's default.
            await receiver.WaitForAsync("/v1/traces", Patience, "flowmachine", id, "test.One", "test.Two", "flowmachine.outcome");
            await receiver.WaitForAsync("/v1/metrics", Patience, "flowmachine.steps", "flowmachine.commits");
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    [GeneratedRegex("fm_[A-Za-z0-9_-]{43}")]
    private static partial Regex Key();
}
