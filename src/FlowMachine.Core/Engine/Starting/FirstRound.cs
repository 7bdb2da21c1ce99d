using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>
/// The first round of a flow handed to this process's worker at its start, taken before the flow is stored: the flow
/// is stored as that round leaves it (RUNNING, its first steps started), so the create is also the commit that starts
/// them, and the run launches <see cref="Starts"/> at once.
/// </summary>
/// <param name="Run">The flow's run, flushed.</param>
/// <param name="Starts">The steps started (index, attempt), for the run to launch.</param>
/// <param name="Transition">What the round changed, reported as committed once the flow is stored.</param>
/// <param name="Stored">The flow to store: the new flow as the round leaves it, with its created event and the round's history.</param>
internal sealed record FirstRound(FlowRun Run, List<(int Index, int Attempt)> Starts, FlowTransition Transition, NewFlow Stored);
