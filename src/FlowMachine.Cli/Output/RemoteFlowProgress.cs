using FlowMachine.Client;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Output;

/// <summary>
/// Follows a flow on a server after a command, as a local verb runs it: a line per step that changes, until the flow
/// ends or nothing more happens without outside input (WAITING or SPAWNED with no timer due, or held back).
/// </summary>
internal static class RemoteFlowProgress
{
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Watches the flow's stream (and re-reads it when the stream closes) until it settles. A command the server accepted
    /// made the flow due, so it does not look settled until a worker has applied the command.
    /// </summary>
    /// <param name="client">The server's client.</param>
    /// <param name="flowId">The flow.</param>
    /// <param name="before">The flow before the command: its steps are not shown again.</param>
    /// <param name="writer">Where the step lines go.</param>
    /// <param name="ct">Stops following.</param>
    public static async Task<FlowView> FollowAsync(IFlowMachineClient client, string flowId, FlowView? before, TextWriter writer, CancellationToken ct)
    {
        var seen = new Dictionary<string, (StepState State, int Attempts)>(StringComparer.Ordinal);
        foreach (var step in before?.Steps ?? [])
        {
            seen[step.Key] = (step.State, step.Attempts);
        }

        while (true)
        {
            await foreach (var view in client.WatchAsync(flowId, ct).ConfigureAwait(false))
            {
                if (Show(view, seen, writer))
                {
                    return view;
                }
            }

            // The stream closed before the flow settled (a proxy or a restart): read it, and watch again.
            var now = await client.GetAsync(flowId, ct).ConfigureAwait(false) ?? throw new UsageException($"flow {flowId} does not exist");
            if (Show(now, seen, writer))
            {
                return now;
            }

            await Task.Delay(Recheck, TimeProvider.System, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Whether nothing more happens to the flow without outside input, as a local run stops.</summary>
    public static bool IsSettled(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        // An ended flow is not settled while a command (a retry, a reset) waits for a worker: it is due until then.
        return flow.Suspended
            || flow.RoutinePaused
            || (flow.NextRunAt is null && flow.State is not (FlowState.Pending or FlowState.Running));
    }

    private static bool Show(FlowView view, Dictionary<string, (StepState State, int Attempts)> seen, TextWriter writer)
    {
        foreach (var step in view.Steps)
        {
            var now = (step.State, step.Attempts);
            if (seen.TryGetValue(step.Key, out var was) && was == now)
            {
                continue;
            }

            seen[step.Key] = now;
            if (StepLine.Format(step) is { } line)
            {
                writer.WriteLine(line);
            }
        }

        return IsSettled(view.Flow);
    }
}
