using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Input;
using FlowMachine.Cli.Output;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary>The verbs that push a flow on from outside: push, submit, event, cancel, reset, retry, position.</summary>
internal static class FlowVerbCommands
{
    private const string Actor = "cli";

    public static IEnumerable<Command> Create(CliIO io, GlobalOptions global)
    {
        yield return Push(io, global);
        yield return Submit(io, global);
        yield return Event(io, global);
        yield return Cancel(io, global);
        yield return Reset(io, global);
        yield return Retry(io, global);
        yield return Position(io, global);
    }

    private static Command Push(CliIO io, GlobalOptions global)
    {
        var value = new Argument<string>("VALUE") { Description = "The waiting step's result: JSON when it parses, else a string." };
        var step = StepOption();
        return Verb(io, global, "push", "Force-step: VALUE becomes the waiting step's result and the flow goes on.", [value, step],
            (parse, client, id, ct) => client.PushAsync(id, InputParser.JsonOrString(parse.GetRequiredValue(value)), parse.GetValue(step), Actor, ct));
    }

    private static Command Submit(CliIO io, GlobalOptions global)
    {
        var args = new Option<string?>("--args") { Description = "JSON handed to the waiting task's check.", HelpName = "JSON" };
        var step = StepOption();
        return Verb(io, global, "submit", "Resubmit: the waiting step's check runs again (with --args); a ready check completes it.", [args, step],
            (parse, client, id, ct) =>
            {
                var text = parse.GetValue(args);
                return client.SubmitAsync(id, text is null ? null : InputParser.ParseJson(text, "--args"), parse.GetValue(step), Actor, ct);
            });
    }

    private static Command Event(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The event's name." };
        var value = new Option<string?>("--value") { Description = "The event's value as JSON.", HelpName = "JSON" };
        return Verb(io, global, "event", "Raise a named event; it is kept until the flow waits for it.", [name, value],
            (parse, client, id, ct) =>
            {
                var text = parse.GetValue(value);
                return client.RaiseEventAsync(id, parse.GetRequiredValue(name), text is null ? null : InputParser.ParseJson(text, "--value"), ct);
            });
    }

    private static Command Cancel(CliIO io, GlobalOptions global)
    {
        var reason = new Option<string?>("--reason") { Description = "Why; kept as the flow's error.", HelpName = "TEXT" };
        return Verb(io, global, "cancel", "Cancel the flow.", [reason],
            (parse, client, id, ct) => client.CancelAsync(id, parse.GetValue(reason), Actor, ct), asked: FlowState.Cancelled);
    }

    private static Command Reset(CliIO io, GlobalOptions global) =>
        Verb(io, global, "reset", "Restart the flow from its first step with results cleared (history is kept).", [],
            (_, client, id, ct) => client.ResetAsync(id, Actor, ct));

    private static Command Retry(CliIO io, GlobalOptions global) =>
        Verb(io, global, "retry", "Retry a FAILED, KILLED or CANCELLED flow from where it stopped: failed and skipped steps run again, completed ones keep their results.", [],
            (_, client, id, ct) => client.RetryAsync(id, Actor, ct));

    private static Command Position(CliIO io, GlobalOptions global)
    {
        var position = new Argument<int>("N") { Description = "The index of the step to run next (0 is the first)." };
        return Verb(io, global, "position", "Move the flow's position: step N runs next; earlier unfinished steps are skipped.", [position],
            (parse, client, id, ct) => client.SetPositionAsync(id, parse.GetRequiredValue(position), Actor, ct));
    }

    private static Option<string?> StepOption() => new("--step") { Description = "The waiting step's key, when several wait.", HelpName = "KEY" };

    private static Command Verb(
        CliIO io,
        GlobalOptions global,
        string name,
        string description,
        Symbol[] extra,
        Func<ParseResult, IFlowClient, string, CancellationToken, Task<CommandResult>> apply,
        FlowState? asked = null)
    {
        var id = new Argument<string>("ID") { Description = "The flow's id." };
        var noRun = new Option<bool>("--no-run") { Description = "Only queue the command, for a worker to apply; do not run the flow here (or, with --server, follow it)." };
        var json = JsonFlag.Create();
        var command = new Command(name, description) { id };
        foreach (var symbol in extra)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        command.Options.Add(noRun);
        command.Options.Add(json);
        command.SetAction((parse, ct) =>
        {
            var flowId = parse.GetRequiredValue(id);
            return FlowVerbRunner.ApplyAsync(io, global, parse, flowId, (client, token) => apply(parse, client, flowId, token), parse.GetValue(noRun), parse.GetValue(json), asked, ct);
        });
        return command;
    }
}
