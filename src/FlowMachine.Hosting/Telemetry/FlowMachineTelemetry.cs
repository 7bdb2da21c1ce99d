using FlowMachine.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace FlowMachine;

/// <summary>
/// OTLP export of FlowMachine's traces, metrics and logs, configured by the standard OpenTelemetry variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, ...). Without an endpoint nothing is added and nothing is exported.
/// </summary>
public static class FlowMachineTelemetry
{
    /// <summary>The service name when neither <c>OTEL_SERVICE_NAME</c> nor <c>OTEL_RESOURCE_ATTRIBUTES</c> names one.</summary>
    public const string DefaultServiceName = "flowmachine";

    /// <summary>The variables that name where to export: the endpoint of every signal, or of one.</summary>
    public static IReadOnlyList<string> EndpointVariables { get; } =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    /// <summary>True when <paramref name="configuration"/> (environment variables, in the usual hosts) names an OTLP endpoint.</summary>
    public static bool IsOtlpConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return EndpointVariables.Any(v => !string.IsNullOrWhiteSpace(configuration[v]));
    }

    /// <summary>
    /// When <paramref name="configuration"/> names an OTLP endpoint, exports the <c>FlowMachine</c> spans and
    /// instruments, and the logs, over OTLP, as <paramref name="serviceName"/> unless <c>OTEL_SERVICE_NAME</c> or
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c> names the service. Instrumentations a host adds with
    /// <c>ConfigureOpenTelemetryTracerProvider</c> join in. Returns whether export was turned on.
    /// </summary>
    public static bool AddFlowMachineOtlpExport(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        if (!IsOtlpConfigured(configuration))
        {
            return false;
        }

        var named = !string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])
            || (configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "").Split(',').Any(a => a.Trim().StartsWith("service.name=", StringComparison.Ordinal));
        services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (!named)
                {
                    r.AddService(serviceName);
                }
            })
            .WithTracing(t => t.AddSource(FlowMachineDiagnostics.ActivitySourceName))
            .WithMetrics(m => m.AddMeter(FlowMachineDiagnostics.MeterName))
            .WithLogging()
            .UseOtlpExporter(); // reads the OTEL_EXPORTER_OTLP_* variables from the host's configuration
        return true;
    }
}
