using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Client;
using FlowMachine.Operations;
using FlowMachine.Scheduling;

namespace FlowMachine.Cli.Commands.Schedules;

/// <summary>
/// <c>schedules pause|resume|trigger|backfill|delete NAME</c>. Whoever can open the database acts as an
/// administrator, as with the other verbs; with <c>--server</c>, the API key's user. Flows a trigger or backfill starts
/// run on <c>serve</c> or <c>worker</c>.
/// </summary>
internal static class ScheduleVerbCommands
{
    private static readonly Caller Local = new(LocalOwner.DefaultAdmin, IsAdmin: true);

    public static IEnumerable<Command> Create(CliIO io, GlobalOptions global)
    {
        yield return Pause(io, global);
        yield return Resume(io, global);
        yield return Trigger(io, global);
        yield return Backfill(io, global);
        yield return Delete(io, global);
    }

    private static Command Pause(CliIO io, GlobalOptions global)
    {
        var note = new Option<string?>("--note") { Description = "Why it is paused; shown with the schedule.", HelpName = "TEXT" };
        return Changing(io, global, "pause", "Pause a schedule: it fires no more until resumed.", [note],
            (parse, verbs, name, ct) => verbs.PauseAsync(name, parse.GetValue(note), Local, ct),
            (parse, client, name, ct) => client.PauseScheduleAsync(name, parse.GetValue(note), ct),
            s => $"schedule {s.Name} paused{(s.Note is null ? "" : $": {s.Note}")}");
    }

    private static Command Resume(CliIO io, GlobalOptions global) =>
        Changing(io, global, "resume", "Resume a schedule from the next slot after now (slots missed while paused do not fire).", [],
            (_, verbs, name, ct) => verbs.ResumeAsync(name, Local, ct),
            (_, client, name, ct) => client.ResumeScheduleAsync(name, ct),
            s => $"schedule {s.Name} resumed{ScheduleOutput.NextFire(s)}");

    private static Command Trigger(CliIO io, GlobalOptions global) =>
        Starting(io, global, "trigger", "Start one flow of the schedule now, whatever its overlap policy.", [],
            (_, verbs, name, ct) => verbs.TriggerAsync(name, Local, ct),
            (_, client, name, ct) => client.TriggerScheduleAsync(name, ct));

    private static Command Backfill(CliIO io, GlobalOptions global)
    {
        var from = new Option<string>("--from") { Description = "The first time, ISO 8601 (without an offset: UTC).", HelpName = "TIME", Required = true };
        var to = new Option<string>("--to") { Description = "The last time, included.", HelpName = "TIME", Required = true };
        return Starting(io, global, "backfill", "Start one flow per slot from --from to --to by the overlap policy; slots started before are not started again.", [from, to],
            (parse, verbs, name, ct) => verbs.BackfillAsync(name, parse.GetValue(from), parse.GetValue(to), Local, ct),
            (parse, client, name, ct) => client.BackfillScheduleAsync(name, parse.GetValue(from)!, parse.GetValue(to)!, ct));
    }

    private static Command Delete(CliIO io, GlobalOptions global)
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a schedule; the flows it started stay.") { name };
        command.SetAction(async (parse, ct) =>
        {
            var schedule = parse.GetRequiredValue(name);
            if (global.ReadServer(parse) is { } server)
            {
                await server.UseAsync(async (client, token) =>
                {
                    await client.DeleteScheduleAsync(schedule, token).ConfigureAwait(false);
                    return true;
                }, ct).ConfigureAwait(false);
            }
            else
            {
                var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
                await using var hostScope = host.ConfigureAwait(false);
                ScheduleOutput.Refuse(await host.Schedules.DeleteAsync(schedule, Local, ct).ConfigureAwait(false), schedule);
            }

            await io.Out.WriteLineAsync($"schedule {schedule} deleted").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A verb that changes the schedule and prints it (one line, or the document with --json), on the database or the server.</summary>
    private static Command Changing(
        CliIO io, GlobalOptions global, string verb, string description, Option[] options,
        Func<ParseResult, ScheduleVerbs, string, CancellationToken, Task<ScheduleResult>> act,
        Func<ParseResult, IFlowMachineClient, string, CancellationToken, Task<ScheduleDocument>> remote,
        Func<ScheduleDocument, string> line)
    {
        var (command, name, json) = Verb(verb, description, options);
        command.SetAction(async (parse, ct) =>
        {
            var schedule = parse.GetRequiredValue(name);
            var document = await OnServerOrHereAsync(global, parse, (client, token) => remote(parse, client, schedule, token),
                async (verbs, token) => ScheduleOutput.Check(await act(parse, verbs, schedule, token).ConfigureAwait(false), schedule), ct).ConfigureAwait(false);
            await ScheduleOutput.WriteAsync(io.Out, parse.GetValue(json), document, line(document)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A verb that starts flows and prints their ids (or the API's answer with --json), on the database or the server.</summary>
    private static Command Starting(
        CliIO io, GlobalOptions global, string verb, string description, Option[] options,
        Func<ParseResult, ScheduleVerbs, string, CancellationToken, Task<ScheduleResult>> act,
        Func<ParseResult, IFlowMachineClient, string, CancellationToken, Task<ScheduleStarted>> remote)
    {
        var (command, name, json) = Verb(verb, description, options);
        command.SetAction(async (parse, ct) =>
        {
            var schedule = parse.GetRequiredValue(name);
            var server = global.ReadServer(parse);
            var started = await OnServerOrHereAsync(global, parse, (client, token) => remote(parse, client, schedule, token), async (verbs, token) =>
            {
                var result = await act(parse, verbs, schedule, token).ConfigureAwait(false);
                ScheduleOutput.Refuse(result, schedule);
                return result.Started!.Error is { } error && result.Started.Created.Count == 0
                    ? throw new UsageException($"schedule '{schedule}' started no flow: {error}")
                    : ScheduleStarted.Of(schedule, result.Started);
            }, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, ScheduleOutput.Started(started)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            for (var i = 0; i < started.FlowIds.Count; i++)
            {
                await io.Out.WriteLineAsync($"started flow {started.FlowIds[i]} (slot {ScheduleOutput.Time(started.Slots[i])})").ConfigureAwait(false);
            }

            var runner = server is null ? $"a worker runs them (flowmachine serve or flowmachine worker{global.Read(parse).DbArgument})" : "the server's workers run them";
            await io.Out.WriteLineAsync($"{started.FlowIds.Count} started, {started.Skipped} skipped by the overlap policy, {started.AlreadyStarted} started before; {runner}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Runs the verb on the server with <c>--server</c> (its refusals are printed as the server words them), else on the database.</summary>
    private static async Task<T> OnServerOrHereAsync<T>(
        GlobalOptions global, ParseResult parse, Func<IFlowMachineClient, CancellationToken, Task<T>> remote, Func<ScheduleVerbs, CancellationToken, Task<T>> local, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            return await server.UseAsync(remote, ct).ConfigureAwait(false);
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await local(host.Schedules, ct).ConfigureAwait(false);
    }

    private static (Command Command, Argument<string> Name, Option<bool> Json) Verb(string verb, string description, Option[] options)
    {
        var name = NameArgument();
        var json = JsonFlag.Create();
        var command = new Command(verb, description) { name, json };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return (command, name, json);
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The schedule's name." };
}
