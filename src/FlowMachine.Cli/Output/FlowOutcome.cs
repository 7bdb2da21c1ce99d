
namespace FlowMachine.Cli.Output;

/// <summary>The final word on a flow after a verb ran it: a state line, the error or what to do next, and the exit code.</summary>
internal static class FlowOutcome
{
    public static int ExitCode(FlowState state) => state switch
    {
        FlowState.Completed => ExitCodes.Ok,
        FlowState.Failed or FlowState.Killed or FlowState.Cancelled => ExitCodes.Failed,
        _ => ExitCodes.Paused,
    };

    /// <summary>Prints the state line to <paramref name="writer"/> and errors/hints to <paramref name="errors"/>; returns the exit code.</summary>
    /// <param name="view">The flow as it stands.</param>
    /// <param name="writer">Where the state line goes.</param>
    /// <param name="errors">Where the flow's error and the hints to continue go.</param>
    /// <param name="dbArgument">The <c>--db PATH</c> to repeat in hints, or empty for the default file.</param>
    public static int Report(FlowView view, TextWriter writer, TextWriter errors, string dbArgument)
    {
        var flow = view.Flow;
        var state = flow.State.ToName();
        var label = flow.Label ?? flow.Routine;
        writer.WriteLine(label is null ? $"flow {flow.Id}  {state}" : $"flow {flow.Id} ({label})  {state}");
        switch (flow.State)
        {
            case FlowState.Completed:
                break;
            case FlowState.Failed or FlowState.Killed or FlowState.Cancelled:
                errors.WriteLine($"{state}: {flow.Error ?? "(no error recorded)"}");
                break;
            case FlowState.Waiting:
                WriteWaitHints(view, errors, dbArgument);
                break;
            case FlowState.Spawned:
                errors.WriteLine($"SPAWNED: waiting for a detached task or child flow{(flow.WaitReason is null ? "" : $" ({flow.WaitReason})")}.");
                errors.WriteLine("continue with:");
                errors.WriteLine($"  flowmachine worker{dbArgument}");
                errors.WriteLine($"  flowmachine flows show {flow.Id}{dbArgument}");
                break;
            default:
                errors.WriteLine($"{state}: the flow has not finished; a worker runs it (flowmachine worker{dbArgument}).");
                break;
        }

        return ExitCode(flow.State);
    }

    private static void WriteWaitHints(FlowView view, TextWriter errors, string dbArgument)
    {
        var id = view.Flow.Id;
        var waiting = view.Steps.FirstOrDefault(s => s.State == StepState.Waiting);
        var reason = waiting?.WaitReason ?? view.Flow.WaitReason ?? "waiting for input";
        errors.WriteLine(waiting is null ? $"WAITING: {reason}" : $"WAITING at step {waiting.Key}: {reason}");
        if (waiting?.WaitUntil is { } until)
        {
            errors.WriteLine($"it resumes by itself at {until:u} (run a worker, or run this command again).");
        }

        errors.WriteLine("continue with one of:");
        errors.WriteLine($"  flowmachine flows push {id} VALUE{dbArgument}");
        errors.WriteLine($"  flowmachine flows submit {id} --args '{{\"ok\":true}}'{dbArgument}");
        if (waiting?.WaitEvent is { } name)
        {
            errors.WriteLine($"  flowmachine flows event {id} {name} --value JSON{dbArgument}");
        }
    }
}
