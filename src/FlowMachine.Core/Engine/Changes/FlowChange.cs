using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>One committed change to a flow, as <see cref="IFlowChangeFeed"/> reports it.</summary>
/// <param name="FlowId">The flow's id.</param>
/// <param name="Owner">The flow's owner, or null.</param>
/// <param name="State">The flow's state after the commit.</param>
/// <param name="Position">The flow's position after the commit: the index of its first unfinished step.</param>
/// <param name="Kinds">What the commit changed.</param>
/// <param name="StepsFinished">How many step attempts finished (completed or failed) with this commit.</param>
/// <param name="Steps">The steps the commit changed, in spec order. They are never changed afterwards.</param>
/// <param name="Name">The flow's label, else its routine, else null.</param>
/// <param name="Reason">Why the flow waits (when WAITING or SPAWNED), else why it failed, was killed or cancelled, else null.</param>
public readonly record struct FlowChange(
    string FlowId,
    string? Owner,
    FlowState State,
    int Position,
    FlowChangeKinds Kinds,
    int StepsFinished,
    IReadOnlyList<StepRecord> Steps,
    string? Name,
    string? Reason)
{
    /// <summary>The change a committed transition made.</summary>
    internal static FlowChange Of(FlowTransition transition)
    {
        var flow = transition.Flow;
        var kinds = FlowChangeKinds.None;
        if (transition.Steps.Count > 0)
        {
            kinds |= FlowChangeKinds.Steps;
        }

        if (transition.StateChanged)
        {
            kinds |= flow.State.IsTerminal() ? FlowChangeKinds.State | FlowChangeKinds.Ended : FlowChangeKinds.State;
        }

        if (transition.DataChanged)
        {
            kinds |= FlowChangeKinds.Data;
        }

        if (transition.NewFlows.Count > 0)
        {
            kinds |= FlowChangeKinds.Children;
        }

        if (transition.Release)
        {
            kinds |= FlowChangeKinds.Released;
        }

        var finished = 0;
        foreach (var e in transition.History)
        {
            if (e.Kind is HistoryKinds.StepCompleted or HistoryKinds.StepFailed)
            {
                finished++;
            }
        }

        var reason = flow.State is FlowState.Waiting or FlowState.Spawned ? flow.WaitReason : flow.Error;
        return new FlowChange(flow.Id, flow.Owner, flow.State, flow.Position, kinds, finished, transition.Steps, flow.Label ?? flow.Routine, reason);
    }
}
