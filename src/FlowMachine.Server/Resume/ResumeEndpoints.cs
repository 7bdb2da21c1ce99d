using FlowMachine.Engine;
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
/// for the API key; it pushes the one waiting step that holds it, once.
/// </summary>
internal static class ResumeEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(ResumeUrls.Route + "/{token}", ResumeAsync)
            .AllowAnonymous()
            .WithTags("Resume")
            .WithName("Resume")
            .WithSummary("Push the waiting step holding this single-use token; no API key needed.");

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> ResumeAsync(
        string token, [FromBody] ValueBody? body, IFlowStore store, IFlowClient client, ResumeTokenLedger ledger, CancellationToken cancellationToken)
    {
        var found = await store.FindResumeTokenAsync(token, cancellationToken).ConfigureAwait(false);
        if (found is not { } step)
        {
            return Problems.NotFound("no waiting step holds this resume token; it was used already or never existed");
        }

        if (!ledger.TryUse(token))
        {
            return Problems.Conflict("this resume token has been used already");
        }

        var result = await client.PushAsync(step.FlowId, body?.Value, step.StepKey, "resume-url", cancellationToken).ConfigureAwait(false);
        if (result.Status != CommandStatus.Accepted)
        {
            ledger.Release(token);
            return Problems.Command(result);
        }

        return TypedResults.Accepted($"/api/v1/flows/{Uri.EscapeDataString(step.FlowId)}", new CommandAccepted(step.FlowId, "resume"));
    }
}
