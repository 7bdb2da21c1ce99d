using System.Net;
using Polly;
using Polly.Retry;

namespace FlowMachine.Client.Http;

/// <summary>
/// Sends an idempotent request again (with exponential backoff) when the connection failed or the server answered
/// 408, 429, 502, 503 or 504: reads, starts with a key, and commands (whose Idempotency-Key the server answers a
/// repeat of with the first answer). A start without a key goes out once, so it never starts two flows.
/// </summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public RetryHandler(FlowMachineClientOptions options)
    {
        pipeline = options.MaxRetries == 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider }
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested && IsTransient(args.Outcome)),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                    MaxRetryAttempts = options.MaxRetries,
                    OnRetry = args =>
                    {
                        args.Outcome.Result?.Dispose();
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!Idempotency.IsMarked(request))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // The bodies the client sends are byte arrays, so the same request can go out again.
        return await pipeline.ExecuteAsync(
            static async (state, token) => await state.Handler.SendOnceAsync(state.Request, token).ConfigureAwait(false),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutException
        || outcome.Result?.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
