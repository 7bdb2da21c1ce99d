using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Hooks;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace FlowMachine.Server.Hooks;

/// <summary>
/// <c>POST /api/v1/hooks/{name}</c>: a delivery from another system, with no API key. The signature of the raw body
/// with the hook's secret stands in for the key: a wrong or missing one (or an unknown hook) is 401 and nothing is
/// stored. The delivery id is claimed in the store before the hook acts and the answer kept there for
/// <see cref="HookProtocol.DeliveryKeep"/>, so a redelivery gets the first answer and nothing is done twice.
/// </summary>
internal static class HookDeliveryEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/hooks/{name}", DeliverAsync)
            .AllowAnonymous()
            .WithTags("Hooks")
            .WithName("DeliverHook")
            .WithSummary("Deliver to a webhook")
            .WithDescription($"A signed delivery; no API key. Headers: {HookProtocol.SignatureHeader}: sha256=<hex HMAC-SHA256 of the raw body with the hook's secret> " +
                $"and {HookProtocol.DeliveryHeader}: <a unique id>. The hook starts its routine or raises its event with values mapped from the JSON body; " +
                $"a delivery id seen before (within 7 days) is answered with the first answer (and {HookProtocol.RedeliveryHeader}: true) and does nothing again. " +
                "401 for a wrong or missing signature or an unknown hook (nothing stored), 400 naming the path the body does not have, " +
                "409 when the mapped key is another user's flow's or the same delivery is still being handled.")
            .Accepts<JsonElement>("application/json")
            .Produces<HookDeliveryDocument>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .AddOpenApiOperationTransformer(DescribeAsync);

    /// <summary>The two headers a delivery carries, and what its refusals mean, in the OpenAPI document.</summary>
    private static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(Header(HookProtocol.SignatureHeader, "sha256= and the lower-case hex HMAC-SHA256 of the raw body, keyed with the hook's secret.", null));
        operation.Parameters.Add(Header(HookProtocol.DeliveryHeader, "A unique id of this delivery (a UUID will do); a redelivery sends the same id.", HookProtocol.MaxDeliveryIdLength));
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["200"] = $"What the hook did; a redelivery gets the first answer again, with {HookProtocol.RedeliveryHeader}: true.",
            ["400"] = "The body does not map: 'errors' names the path it lacks (such as $body.order.id), or the delivery id is not valid.",
            ["401"] = "The signature is wrong or missing, or there is no such hook; nothing was stored.",
            ["409"] = "The mapped key is another user's flow's, or the same delivery is still being handled.",
        };
        foreach (var (status, description) in descriptions)
        {
            if (operation.Responses?.TryGetValue(status, out var response) == true && response is OpenApiResponse declared)
            {
                declared.Description = description;
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, string description, int? maxLength) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
    };

    // A stand-in secret checked against when there is no such hook, so both refusals take the same work.
    private static readonly string Decoy = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static async Task<IResult> DeliverAsync(string name, HttpContext http, IFlowStore store, HookDeliverer deliverer, FlowMachineServerOptions options, TimeProvider time)
    {
        var limit = Math.Min(options.MaxRequestBodyBytes, HookProtocol.MaxBodyBytes);
        if (await ReadBodyAsync(http.Request, limit, http.RequestAborted).ConfigureAwait(false) is not { } raw)
        {
            return ApiExceptionHandler.BodyTooLarge(limit);
        }

        var hooks = store as IHookStore;
        var hook = hooks is null || HookVerbs.NameProblem(name) is not null ? null : await hooks.GetHookAsync(name, http.RequestAborted).ConfigureAwait(false);
        var signed = HookProtocol.Verify(hook?.Secret ?? Decoy, raw, http.Request.Headers[HookProtocol.SignatureHeader].ToString());
        if (hook is null || !signed)
        {
            return TypedResults.Problem($"the {HookProtocol.SignatureHeader} header does not sign this body with the hook's secret, or there is no such hook",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }

        var delivery = http.Request.Headers[HookProtocol.DeliveryHeader].ToString();
        if (!HookProtocol.IsDeliveryId(delivery))
        {
            return Problems.Field(HookProtocol.DeliveryHeader, $"a delivery id has 1 to {HookProtocol.MaxDeliveryIdLength} visible ASCII characters (a UUID will do)");
        }

        var stored = await hooks!.ClaimHookDeliveryAsync(hook.Name, delivery, time.GetUtcNow(), HookProtocol.DeliveryKeep, http.RequestAborted).ConfigureAwait(false);
        if (stored is not null)
        {
            if (stored.Status is not { } status)
            {
                return Problems.Conflict("this delivery is still being handled; send it again in a moment");
            }

            http.Response.Headers[HookProtocol.RedeliveryHeader] = "true";
            return KeptAnswers.Replay(status, stored.Body);
        }

        // The answer is kept even when the sender went away: its redelivery is the one that reads it.
        try
        {
            var result = await ActAsync(hook, delivery, raw, deliverer).ConfigureAwait(false);
            var (status, body) = await KeptAnswers.WriteAsync(http, result).ConfigureAwait(false);
            if (status >= StatusCodes.Status500InternalServerError)
            {
                await hooks.ForgetHookDeliveryAsync(hook.Name, delivery, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await hooks.CompleteHookDeliveryAsync(hook.Name, delivery, status, body, CancellationToken.None).ConfigureAwait(false);
            }

            return Results.Empty;
        }
        catch
        {
            await hooks.ForgetHookDeliveryAsync(hook.Name, delivery, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<IResult> ActAsync(HookRecord hook, string delivery, byte[] raw, HookDeliverer deliverer)
    {
        JsonNode? body;
        try
        {
            body = raw.Length == 0 ? null : JsonNode.Parse(raw);
        }
        catch (JsonException ex)
        {
            return Problems.Field("body", $"the body is not JSON: {ex.Message}");
        }

        var result = await deliverer.DeliverAsync(hook, delivery, body, CancellationToken.None).ConfigureAwait(false);
        return result switch
        {
            { Document: { } done } => TypedResults.Ok(done),
            { Conflict: true } => Problems.Conflict(result.Problem!),
            _ => Problems.Field(result.Field!, result.Problem!),
        };
    }

    /// <summary>The raw body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
