using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Output;

/// <summary>
/// Follows one flow's committed changes and reports each step once per new state/attempt, so a
/// step that appears in several commits with the same outcome is shown once.
/// </summary>
internal sealed class StepWatcher : IDisposable
{
    private readonly IDisposable subscription;
    private readonly string flowId;
    private readonly Action<StepRecord> onChange;
    private readonly Dictionary<string, (StepState State, int Attempts)> seen = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public StepWatcher(IFlowChangeFeed feed, string flowId, Action<StepRecord> onChange)
    {
        this.flowId = flowId;
        this.onChange = onChange;
        subscription = feed.Subscribe(OnChanged);
    }

    public void Dispose() => subscription.Dispose();

    private void OnChanged(FlowChange change)
    {
        if (change.FlowId != flowId)
        {
            return; // child flows run in the same engine; only this flow's steps are shown
        }

        lock (gate)
        {
            foreach (var step in change.Steps)
            {
                var now = (step.State, step.Attempts);
                if (seen.TryGetValue(step.Key, out var before) && before == now)
                {
                    continue;
                }

                seen[step.Key] = now;
                onChange(step);
            }
        }
    }
}
