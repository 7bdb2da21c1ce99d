using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Output;

/// <summary>
/// Follows one flow's committed transitions and reports each step once per new state/attempt, so a
/// step that appears in several commits with the same outcome is shown once.
/// </summary>
internal sealed class StepWatcher : IDisposable
{
    private readonly FlowEngine engine;
    private readonly string flowId;
    private readonly Action<StepRecord> onChange;
    private readonly Dictionary<string, (StepState State, int Attempts)> seen = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public StepWatcher(FlowEngine engine, string flowId, Action<StepRecord> onChange)
    {
        this.engine = engine;
        this.flowId = flowId;
        this.onChange = onChange;
        engine.Committed += OnCommitted;
    }

    public void Dispose() => engine.Committed -= OnCommitted;

    private void OnCommitted(FlowTransition transition)
    {
        if (transition.Flow.Id != flowId)
        {
            return; // child flows run in the same engine; only this flow's steps are shown
        }

        lock (gate)
        {
            foreach (var step in transition.Steps)
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
