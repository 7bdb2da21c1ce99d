using FlowMachine.Engine;

namespace FlowMachine.Cli.Commands.Worker;

/// <summary>Prints one line each time a flow the worker runs ends or pauses.</summary>
internal sealed class FinishedFlowLines : IDisposable
{
    private readonly IDisposable subscription;
    private readonly TextWriter writer;
    private readonly Dictionary<string, FlowState> last = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public FinishedFlowLines(IFlowChangeFeed feed, TextWriter writer)
    {
        this.writer = writer;
        subscription = feed.Subscribe(OnChanged);
    }

    public void Dispose() => subscription.Dispose();

    private void OnChanged(FlowChange change)
    {
        if (!change.State.IsTerminal() && !change.State.IsPaused())
        {
            return;
        }

        lock (gate)
        {
            // Several commits may carry the same end state; one line per state change is enough.
            if (last.TryGetValue(change.FlowId, out var before) && before == change.State)
            {
                return;
            }

            last[change.FlowId] = change.State;
            var name = change.Name ?? "";

            // The reason is the wait reason when paused, else the error.
            var detail = change.State == FlowState.Completed ? "" : $"  {change.Reason}";
            writer.WriteLine($"{change.FlowId}  {change.State.ToName()}  {name}{detail}".TrimEnd());
        }
    }
}
