using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Worker;

/// <summary>Prints one line each time a flow the worker runs ends or pauses.</summary>
internal sealed class FinishedFlowLines : IDisposable
{
    private readonly FlowEngine engine;
    private readonly TextWriter writer;
    private readonly Dictionary<string, FlowState> last = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public FinishedFlowLines(FlowEngine engine, TextWriter writer)
    {
        this.engine = engine;
        this.writer = writer;
        engine.Committed += OnCommitted;
    }

    public void Dispose() => engine.Committed -= OnCommitted;

    private void OnCommitted(FlowTransition transition)
    {
        var flow = transition.Flow;
        if (!flow.State.IsTerminal() && !flow.State.IsPaused())
        {
            return;
        }

        lock (gate)
        {
            // Several commits may carry the same end state; one line per state change is enough.
            if (last.TryGetValue(flow.Id, out var before) && before == flow.State)
            {
                return;
            }

            last[flow.Id] = flow.State;
            var name = flow.Label ?? flow.Routine ?? "";
            var detail = flow.State switch
            {
                FlowState.Completed => "",
                FlowState.Waiting or FlowState.Spawned => $"  {flow.WaitReason}",
                _ => $"  {flow.Error}",
            };
            writer.WriteLine($"{flow.Id}  {flow.State.ToName()}  {name}{detail}".TrimEnd());
        }
    }
}
