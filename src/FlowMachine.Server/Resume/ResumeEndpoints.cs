using FlowMachine.Server.Errors;
using FlowMachine.Server.Flows;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Resume;

/// <summary>
/// <c>POST /api/v1/resume/{token}</c>: a callback URL for other systems. The unguessable token stands in
/// for the API key; it pushes the one waiting step that holds it, once, and only within its lifetime.
/// </summary>
internal static class ResumeEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(ResumeUrls.Route + "/{token}", ResumeAsync)
            .AllowAnonymous()
            .WithTags("Resume")
            .WithName("Resume")
            .WithSummary("Resume a waiting step by its token")
            .WithDescription("Push the waiting step holding this single-use token (the resumeUrl of a waiting step); no API key needed. 404 for a used or unknown token, 410 for an expired one.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone);

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> ResumeAsync(
        string token,
        [FromBody] ValueBody? body,
        IResumeTokenStore store,
        IFlowClient client,
        FlowMachineServerOptions options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Taken in the store, not in this process: of all servers on the database only one caller wins.
        var use = await store.ConsumeResumeTokenAsync(token, time.GetUtcNow(), options.ResumeTokenLifetime, cancellationToken).ConfigureAwait(false);
        switch (use.Status)
        {
            case ResumeTokenStatus.Expired:
                return Problems.Gone("this resume token has expired; push the step with an API key instead");
            case ResumeTokenStatus.NotFound:
                return Problems.NotFound("no waiting step holds this resume token; it was used already or never existed");
        }

        var result = await client.PushAsync(use.FlowId!, body?.Value, use.StepKey, "resume-url", cancellationToken).ConfigureAwait(false);
        if (result.Status != CommandStatus.Accepted)
        {
            // The token stays spent: the step moved on (cancelled, say) between the take and the push.
            return Problems.Command(result);
        }

        return TypedResults.Accepted($"/api/v1/flows/{Uri.EscapeDataString(use.FlowId!)}", new CommandAccepted(use.FlowId!, "resume"));
    }
}
