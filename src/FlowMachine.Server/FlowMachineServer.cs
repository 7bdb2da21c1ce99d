using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlowMachine.Server;

/// <summary>
/// Builds the whole server (REST API, worker, the store the caller chooses) as one <see cref="WebApplication"/>, so the
/// CLI's <c>serve</c> and the tests run exactly the same thing.
/// </summary>
public static class FlowMachineServer
{
    /// <summary>Builds the application; start it with <c>StartAsync</c> or <see cref="RunAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <param name="options">The server's settings.</param>
    /// <param name="configure">Chooses the store and adds task types, as in <see cref="ServerServiceCollectionExtensions.AddFlowMachineServer"/>.</param>
    /// <param name="args">Command-line arguments for the web host.</param>
    public static WebApplication Build(FlowMachineServerOptions options, Action<FlowMachineBuilder> configure, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        if (options.Urls.Count > 0)
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        if (!options.ConsoleLogging)
        {
            builder.Logging.ClearProviders();
        }
        else if (options.QuietLogging)
        {
            QuietLogging.AddTo(builder.Configuration);
        }

        builder.Services.AddFlowMachineServer(options, configure);
        if (builder.Services.AddFlowMachineOtlpExport(builder.Configuration, FlowMachineTelemetry.DefaultServiceName))
        {
            // Requests become spans (the parents of the flows they start); health checks and scrapes are left out.
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddAspNetCoreInstrumentation(o => o.Filter = IsTraced));
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddAspNetCoreInstrumentation());
        }

        var app = builder.Build();
        app.UseFlowMachineServer();
        app.MapFlowMachine();
        return app;
    }

    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal) && !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal);

    /// <summary>Runs the server until <paramref name="cancellationToken"/> fires, then stops it gracefully.</summary>
    public static async Task RunAsync(FlowMachineServerOptions options, Action<FlowMachineBuilder> configure, Action<IReadOnlyList<string>>? started = null, CancellationToken cancellationToken = default)
    {
        var app = Build(options, configure);
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            started?.Invoke(Addresses(app));
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The addresses a started server listens on (with real ports when port 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
    }
}
