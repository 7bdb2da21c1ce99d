using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FlowMachine.Client.Watching;
using FlowMachine.Client.Wire;

namespace FlowMachine.Client;

/// <summary>Watching a flow through its server-sent events (<c>/flows/{id}/stream</c>), and waiting for it to end.</summary>
internal sealed partial class FlowMachineHttpClient
{
    private static readonly TimeSpan Rewatch = TimeSpan.FromMilliseconds(500);

    public async IAsyncEnumerable<FlowView> WatchAsync(string flowId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, FlowPath(flowId) + "/stream", null, idempotent: true, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            yield break;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        await foreach (var (type, data) in ServerSentEvents.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            if (type == "flow" && JsonSerializer.Deserialize<WireFlow>(data) is { } flow)
            {
                yield return WireMapping.ToView(flow);
            }
        }
    }

    public async Task<FlowView> WaitForCompletionAsync(string flowId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = new CancellationTokenSource(timeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        try
        {
            while (true)
            {
                await foreach (var view in WatchAsync(flowId, token).ConfigureAwait(false))
                {
                    if (view.State.IsTerminal())
                    {
                        return view;
                    }
                }

                // The stream ended before the flow did (a proxy or a restart closed it), or the flow is gone.
                var now = await GetAsync(flowId, token).ConfigureAwait(false)
                    ?? throw new FlowMachineNotFoundException($"flow {flowId} does not exist");
                if (now.State.IsTerminal())
                {
                    return now;
                }

                await Task.Delay(Rewatch, options.TimeProvider, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"flow {flowId} had not ended after {timeout}");
        }
    }
}
