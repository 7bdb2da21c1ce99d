using System.Diagnostics;
using FlowMachine.Storage;

namespace FlowMachine.Diagnostics;

// Recording helpers for the engine: each builds its tags only when someone listens to the instrument.
public static partial class FlowMachineDiagnostics
{
    /// <summary>The <c>routine</c> tag of a flow: its routine's name, or <c>inline</c> for a spec started as is.</summary>
    internal static string RoutineTag(FlowRecord flow) => flow.Routine ?? "inline";

    internal static void FlowStarted(FlowRecord flow)
    {
        if (FlowsStarted.Enabled)
        {
            FlowsStarted.Add(1, new KeyValuePair<string, object?>("routine", RoutineTag(flow)));
        }
    }

    /// <summary>Counts what a commit changed: the flows it created and the flow it finished.</summary>
    internal static void Committed(FlowTransition transition)
    {
        Commits.Add(1);
        if (FlowsStarted.Enabled)
        {
            // Indexed: enumerating an IReadOnlyList allocates an enumerator, at every commit.
            for (var i = 0; i < transition.NewFlows.Count; i++)
            {
                FlowStarted(transition.NewFlows[i].Flow);
            }
        }

        if (transition.StateChanged && transition.Flow.State.IsTerminal() && FlowsFinished.Enabled)
        {
            FlowsFinished.Add(1, new TagList { { "routine", RoutineTag(transition.Flow) }, { "state", transition.Flow.State.ToName() } });
        }
    }

    internal static void LimitWaited(bool concurrency) =>
        LimitWaits.Add(1, new KeyValuePair<string, object?>("limit", concurrency ? "concurrency" : "rate"));
}
