using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Input;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;

namespace FlowMachine.Cli.Commands.Schedules;

/// <summary>
/// <c>flowmachine schedules add NAME (--routine ROUTINE [--version N] | SPEC) (--cron EXPR | --every DURATION) …</c>:
/// the options become the API's JSON body, so the rules and their messages are the API's.
/// </summary>
internal static class ScheduleAddCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The schedule's name." };
        var spec = new Argument<string?>("SPEC") { Description = "A spec file (JSON or YAML) to start, instead of --routine.", Arity = ArgumentArity.ZeroOrOne };
        var routine = new Option<string?>("--routine") { Description = "The stored routine to start.", HelpName = "ROUTINE" };
        var version = new Option<int?>("--version") { Description = "Pin the routine's version (default: the newest when each flow starts).", HelpName = "N" };
        var cron = new Option<string?>("--cron") { Description = "A cron expression: 5 fields, 6 with seconds first, or @hourly, @daily ….", HelpName = "EXPR" };
        var every = new Option<string?>("--every") { Description = "An interval instead of cron: 90s, 15m, 1h, 1h30m (at least 1s).", HelpName = "DURATION" };
        var zone = new Option<string?>("--tz") { Description = "The IANA time zone of the cron expression (default: UTC).", HelpName = "ZONE" };
        var input = StartOptions.CreateInputOption();
        var overlap = new Option<string?>("--overlap") { Description = "While the previous flow runs: skip (default), buffer, allow or cancel.", HelpName = "skip|buffer|allow|cancel" };
        var priority = new Option<int?>("--priority") { Description = "The priority of the flows it starts, from -1000 to 1000 (default: the spec's cfg.priority, else 0).", HelpName = "N" };
        var paused = new Option<bool>("--paused") { Description = "Add it paused: it fires once resumed." };
        var owner = LocalOwner.CreateOption();
        var json = JsonFlag.Create();
        var command = new Command("add", "Add a schedule that starts a routine or a spec file on a cron expression or an interval.")
        {
            name, spec, routine, version, cron, every, zone, input, overlap, priority, paused, owner, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var body = new JsonObject { ["name"] = parse.GetRequiredValue(name) };
            Target(body, parse.GetValue(spec), parse.GetValue(routine));
            Put(body, "version", parse.GetValue(version));
            Put(body, "input", InputParser.Parse(parse.GetValue(input) ?? [], null));
            Put(body, "cron", parse.GetValue(cron));
            Put(body, "every", parse.GetValue(every));
            Put(body, "timeZone", parse.GetValue(zone));
            Put(body, "overlap", parse.GetValue(overlap));
            Put(body, "priority", parse.GetValue(priority));
            if (parse.GetValue(paused))
            {
                body["paused"] = true;
            }

            var schedule = global.ReadServer(parse) is { } server
                ? await AddOnServerAsync(server, body, parse.GetValue(owner), ct).ConfigureAwait(false)
                : await AddHereAsync(global.Read(parse), body, parse.GetValue(owner), ct).ConfigureAwait(false);
            await ScheduleOutput.WriteAsync(io.Out, parse.GetValue(json), schedule, $"schedule {schedule.Name} added: {schedule.Description}{ScheduleOutput.NextFire(schedule)}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<Scheduling.ScheduleDocument> AddHereAsync(HostSettings settings, JsonObject body, string? owner, CancellationToken ct)
    {
        var host = await CliHost.OpenAsync(settings, NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var by = await LocalOwner.ResolveAsync(host.Users, owner, ct).ConfigureAwait(false);
        var result = await host.Schedules.CreateAsync(body, new Caller(by, IsAdmin: true), ct).ConfigureAwait(false);
        return ScheduleOutput.Check(result, (string)body["name"]!);
    }

    /// <summary>The schedule belongs to the API key's user; <c>--as</c> names a database's user and has no meaning there.</summary>
    private static Task<Scheduling.ScheduleDocument> AddOnServerAsync(ServerTarget server, JsonObject body, string? owner, CancellationToken ct) =>
        owner is not null
            ? throw new UsageException("--as does not apply with --server: the schedule belongs to the API key's user.")
            : server.UseAsync((client, token) => client.CreateScheduleAsync(body, token), ct);

    /// <summary>SPEC is a spec file (or, as with <c>start</c>, a routine's name when no such file exists); --routine names a routine.</summary>
    private static void Target(JsonObject body, string? spec, string? routine)
    {
        if (spec is null)
        {
            Put(body, "routine", routine);
            return;
        }

        if (routine is not null)
        {
            throw new UsageException("routine (--routine): give either --routine ROUTINE or a SPEC file, not both.");
        }

        var resolved = SpecSource.Resolve(spec, null, null);
        Put(body, "spec", resolved.SpecText);
        Put(body, "routine", resolved.Routine);
    }

    private static void Put(JsonObject body, string field, JsonNode? value)
    {
        if (value is not null)
        {
            body[field] = value;
        }
    }
}
