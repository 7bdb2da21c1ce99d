using FlowMachine.Server.Metrics;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Health;

/// <summary><c>/healthz</c> (open to all) and <c>/metrics</c> (Prometheus text; needs a key like the API).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", HealthAsync).AllowAnonymous().WithTags("Health").WithName("Health").WithSummary("Check health")
            .WithDescription("200 when the server and its database answer, 503 when the database does not; no API key needed.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/metrics", Metrics).RequireAuthorization().WithTags("Health").WithName("Metrics").WithSummary("Read metrics")
            .WithDescription("Prometheus text exposition of the FlowMachine meter: steps, their durations, the queue depth.")
            .Produces<string>(StatusCodes.Status200OK, PrometheusMetrics.ContentType);
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> HealthAsync(IUserStore users, CancellationToken cancellationToken)
    {
        try
        {
            // A cheap read proves the database is reachable.
            await users.CountUsersAsync(cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new HealthReport("ok"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TypedResults.Problem($"the database does not answer: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unhealthy");
        }
    }

    private static IResult Metrics(PrometheusMetrics metrics) => Results.Text(metrics.Render(), PrometheusMetrics.ContentType);
}
