using FlowMachine.Server.Errors;
using FlowMachine.Server.Dashboard.Overview;
using FlowMachine.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server;

/// <summary>The middleware the server's routes rely on.</summary>
public static class ServerApplicationBuilderExtensions
{
    /// <summary>Errors as ProblemDetails, the body size limit, API-key authentication and authorization.</summary>
    public static IApplicationBuilder UseFlowMachineServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Created now so the meter is heard from the first step on, not from the first scrape.
        app.ApplicationServices.GetRequiredService<PrometheusMetrics>();
        app.ApplicationServices.GetRequiredService<StepRate>();
        app.UseExceptionHandler();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
