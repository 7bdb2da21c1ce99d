using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using FlowMachine.Engine;

namespace FlowMachine.Server.Flows;

/// <summary>
/// The live feed behind <c>/flows/{id}/stream</c>: the flow document now, then again whenever it changes,
/// until the flow ends. Commits in this process wake it at once; a periodic re-read catches changes
/// made by workers in other processes.
/// </summary>
internal static class FlowStream
{
    public const string EventType = "flow";

    public static async IAsyncEnumerable<string> ReadAsync(
        IFlowClient client, IFlowChangeFeed feed, string flowId, Func<string, string> resumeUrl, TimeSpan recheck, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One slot is enough: a pending wake-up already means "read again".
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using (feed.Subscribe(change =>
        {
            if (string.Equals(change.FlowId, flowId, StringComparison.Ordinal))
            {
                wake.Writer.TryWrite(true);
            }
        }))
        {
            string? last = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                var view = await client.GetAsync(flowId, cancellationToken).ConfigureAwait(false);
                if (view is null)
                {
                    yield break;
                }

                var document = JsonSerializer.Serialize(FlowDocument.Of(view, resumeUrl));
                if (!string.Equals(document, last, StringComparison.Ordinal))
                {
                    last = document;
                    yield return document;
                }

                if (view.State.IsTerminal())
                {
                    yield break;
                }

                if (!await WaitAsync(wake.Reader, recheck, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Waits for a wake-up or the recheck interval; false when the client went away.</summary>
    private static async Task<bool> WaitAsync(ChannelReader<bool> wake, TimeSpan recheck, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(recheck);
        try
        {
            await wake.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The periodic re-read.
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }
}
