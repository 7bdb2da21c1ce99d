using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlowMachine.Hosting.Tests;

/// <summary>OTLP export is on only when an OTEL_EXPORTER_OTLP_*ENDPOINT variable names where to send.</summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public void Without_an_endpoint_nothing_is_added_and_no_provider_exists()
    {
        var services = new ServiceCollection();
        var configuration = Configuration(("OTEL_SERVICE_NAME", "x"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));

        Assert.False(FlowMachineTelemetry.IsOtlpConfigured(configuration));
        Assert.False(services.AddFlowMachineOtlpExport(configuration, FlowMachineTelemetry.DefaultServiceName));
        Assert.Empty(services);
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")]
    public void An_endpoint_turns_export_on_with_tracing_and_metrics(string variable)
    {
        var services = new ServiceCollection();
        var configuration = Configuration((variable, "http://127.0.0.1:9"));
        services.AddSingleton<IConfiguration>(configuration);

        Assert.True(services.AddFlowMachineOtlpExport(configuration, FlowMachineTelemetry.DefaultServiceName));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
