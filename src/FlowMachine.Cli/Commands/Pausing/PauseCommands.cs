using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Pausing;

/// <summary>
/// <c>flowmachine flows suspend|resume ID</c> and <c>flowmachine routines pause|resume NAME</c>: hold flows back
/// and let them go, through <see cref="PauseVerbs"/> as the API does. The CLI works on the database as an administrator.
/// </summary>
internal static class PauseCommands
{
    private static readonly Caller Cli = new("cli", IsAdmin: true);

    /// <summary>The subcommands of <c>flows</c>.</summary>
    public static IEnumerable<Command> ForFlows(CliIO io, GlobalOptions global)
    {
        yield return Flow(io, global, "suspend", "Suspend the flow: steps in flight finish and commit, nothing more runs until it is resumed.", true);
        yield return Flow(io, global, "resume", "Resume a suspended flow: a worker picks it up again.", false);
    }

    /// <summary>The subcommands of <c>routines</c>.</summary>
    public static IEnumerable<Command> ForRoutines(CliIO io, GlobalOptions global)
    {
        yield return Routine(io, global, "pause", "Pause a routine: its flows are stored and accepted but not run until it resumes.", true);
        yield return Routine(io, global, "resume", "Resume a paused routine: its waiting flows run.", false);
    }

    /// <summary>For <c>flows show</c>: why the flow does not run, and how to let it go; null when it is not held.</summary>
    public static string? Held(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.State.IsTerminal())
        {
            return null;
        }

        return (flow.Suspended, flow.RoutinePaused) switch
        {
            (true, true) => $"suspended, and routine {flow.Routine} is paused (flowmachine flows resume {flow.Id}; flowmachine routines resume {flow.Routine})",
            (true, false) => $"suspended (flowmachine flows resume {flow.Id})",
            (false, true) => $"routine {flow.Routine} is paused (flowmachine routines resume {flow.Routine})",
            _ => null,
        };
    }

    private static Command Flow(CliIO io, GlobalOptions global, string name, string description, bool suspend)
    {
        var id = new Argument<string>("ID") { Description = "The flow's id." };
        var json = JsonFlag.Create();
        var command = new Command(name, description) { id, json };
        command.SetAction(async (parse, ct) =>
        {
            var flowId = parse.GetRequiredValue(id);
            var result = await HoldAsync(global, parse, client => client.SuspendFlowAsync(flowId, suspend, ct), pauses => pauses.SuspendAsync(Cli, flowId, suspend, ct), ct).ConfigureAwait(false);
            switch (result.Status)
            {
                case HoldStatus.NotFound:
                    throw new UsageException($"flow {flowId} does not exist");
                case HoldStatus.Ended:
                    throw new UsageException(PauseVerbs.EndedMessage(flowId, result.State, suspend));
            }

            var changed = result.Status == HoldStatus.Changed;
            if (parse.GetValue(json))
            {
                var document = new JsonObject { ["flowId"] = flowId, ["state"] = result.State?.ToName(), ["suspended"] = suspend, ["changed"] = changed };
                await JsonOutput.WriteAsync(io.Out, document).ConfigureAwait(false);
            }
            else
            {
                var done = suspend ? "suspended" : "resumed";
                await io.Out.WriteLineAsync(changed ? $"flow {flowId} {done}" : $"flow {flowId} was {(suspend ? "suspended" : "not suspended")} already").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Routine(CliIO io, GlobalOptions global, string name, string description, bool pause)
    {
        var routine = new Argument<string>("NAME") { Description = "The routine's name." };
        var json = JsonFlag.Create();
        var command = new Command(name, description) { routine, json };
        command.SetAction(async (parse, ct) =>
        {
            var routineName = parse.GetRequiredValue(routine);
            var result = await HoldAsync(global, parse, client => client.PauseRoutineAsync(routineName, pause, ct), pauses => pauses.PauseRoutineAsync(Cli, routineName, pause, ct), ct).ConfigureAwait(false);
            if (result.Status == HoldStatus.NotFound)
            {
                throw new UsageException($"routine '{routineName}' does not exist");
            }

            var changed = result.Status == HoldStatus.Changed;
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, new JsonObject { ["name"] = routineName, ["paused"] = pause, ["changed"] = changed }).ConfigureAwait(false);
            }
            else
            {
                var done = pause ? "paused: its flows are stored but not run until it resumes" : "resumed";
                await io.Out.WriteLineAsync(changed ? $"routine {routineName} {done}" : $"routine {routineName} was {(pause ? "paused" : "running")} already").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The hold on the server with <c>--server</c> (a flow that has ended is its 409, printed as is), else on the database.</summary>
    private static async Task<HoldResult> HoldAsync(
        GlobalOptions global, ParseResult parse, Func<FlowMachine.Client.IFlowMachineClient, Task<HoldResult>> remote, Func<PauseVerbs, Task<HoldResult>> local, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            return await server.UseAsync((client, _) => remote(client), ct).ConfigureAwait(false);
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await local(host.Pauses).ConfigureAwait(false);
    }
}
