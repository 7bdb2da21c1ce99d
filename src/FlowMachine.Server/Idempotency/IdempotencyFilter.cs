using FlowMachine.Server.Errors;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Idempotency;

/// <summary>
/// Applies a command sent with an <c>Idempotency-Key</c> once: the key (per user) is claimed in the store before the
/// command runs and its answer kept there for <see cref="IdempotentCommand.Keep"/>; a repeat gets that answer (with
/// <c>Idempotency-Replayed: true</c>), from any server on the store. A repeat while the first is still being handled is
/// 409, the key sent with another route 422. An answer of 500 or more, or a failure, forgets the key so a retry acts.
/// </summary>
internal sealed class IdempotencyFilter(TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var sent = http.Request.Headers[IdempotentCommand.Header].ToString();
        if (sent.Length == 0 || http.RequestServices.GetRequiredService<IFlowStore>() is not ICommandReceiptStore receipts)
        {
            return await next(context).ConfigureAwait(false);
        }

        if (sent.Length > IdempotentCommand.MaxLength || sent.Any(c => c is < '!' or > '~'))
        {
            return Problems.Field(IdempotentCommand.Header, $"an idempotency key has 1 to {IdempotentCommand.MaxLength} visible ASCII characters (a UUID will do)");
        }

        var key = (http.User.Identity?.Name ?? "") + "\n" + sent;
        var request = $"{http.Request.Method} {http.Request.Path}";
        var stored = await receipts.ClaimCommandReceiptAsync(key, request, time.GetUtcNow(), IdempotentCommand.Keep, http.RequestAborted).ConfigureAwait(false);
        if (stored is not null)
        {
            return Replay(http, stored, request);
        }

        // The answer is kept even when the caller went away: its retry is the one that reads it.
        try
        {
            var result = await next(context).ConfigureAwait(false);
            var (status, body) = await KeptAnswers.WriteAsync(http, result).ConfigureAwait(false);
            if (status >= StatusCodes.Status500InternalServerError)
            {
                await receipts.ForgetCommandReceiptAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await receipts.CompleteCommandReceiptAsync(key, status, body, CancellationToken.None).ConfigureAwait(false);
            }

            return Results.Empty;
        }
        catch
        {
            await receipts.ForgetCommandReceiptAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static IResult Replay(HttpContext http, CommandReceipt stored, string request)
    {
        if (!string.Equals(stored.Request, request, StringComparison.Ordinal))
        {
            return TypedResults.Problem(
                $"the {IdempotentCommand.Header} was sent before with another request ({stored.Request}); use a new key for each command",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused");
        }

        if (stored.Status is not { } status)
        {
            return Problems.Conflict($"a request with this {IdempotentCommand.Header} is still being handled; send it again in a moment");
        }

        http.Response.Headers[IdempotentCommand.ReplayedHeader] = "true";
        return KeptAnswers.Replay(status, stored.Body);
    }
}
