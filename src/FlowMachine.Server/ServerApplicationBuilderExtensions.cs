using FlowMachine.Server.Dashboard.Overview;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Metrics;
using FlowMachine.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server;

/// <summary>The middleware the server's routes rely on.</summary>
public static class ServerApplicationBuilderExtensions
{
    /// <summary>Security headers, errors as ProblemDetails (bodiless 404/405 too), the body size limit, API-key authentication and authorization.</summary>
    public static IApplicationBuilder UseFlowMachineServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Created now so the meter is heard from the first step on, not from the first scrape.
        app.ApplicationServices.GetRequiredService<PrometheusMetrics>();
        app.ApplicationServices.GetRequiredService<StepRate>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();

        // Answers without a body (404 and 405 from routing) get a ProblemDetails like every other error.
        app.UseStatusCodePages();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseMiddleware<CharsetMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
