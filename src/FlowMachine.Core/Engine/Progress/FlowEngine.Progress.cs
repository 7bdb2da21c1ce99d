using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

// Progress of running steps: stored apart from commits, announced on the change feed.
public sealed partial class FlowEngine
{
    private ProgressReporter? reporter;

    /// <summary>What every task context reports to (one per engine, made on first use).</summary>
    private ProgressReporter Reporter => reporter ??= new ProgressReporter(this);

    /// <summary>Stores a running step's progress while this process holds the flow; a failed write is reported through <see cref="Faulted"/>.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Progress is advisory: a failed write is reported through Faulted and must not fail the task that reported it.")]
    internal async Task SaveProgressAsync(string flowId, string stepKey, JsonNode progress)
    {
        if (!held.TryGetValue(flowId, out var mine) || mine.Run is not { } run)
        {
            return; // let go of meanwhile: whoever holds the flow now runs the step again
        }

        try
        {
            if (await Store.SaveProgressAsync(flowId, stepKey, Owner, progress, Now, CancellationToken.None).ConfigureAwait(false)
                && changed is { } observers)
            {
                var flow = run.Flow;
                observers(new FlowChange(flow.Id, flow.Owner, flow.State, flow.Position, FlowChangeKinds.Progress, 0, [], flow.Label ?? flow.Routine, null));
            }
        }
        catch (Exception ex)
        {
            Faulted?.Invoke(flowId, ex);
        }
    }
}
