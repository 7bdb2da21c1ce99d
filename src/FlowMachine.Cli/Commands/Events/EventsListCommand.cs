using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Events;

/// <summary><c>flowmachine events list [--name N] [--key K]</c>: the kept events and the flows that wait by event and key.</summary>
internal static class EventsListCommand
{
    // On the database (no server) the CLI sees everything, as it raises events for every flow.
    private static readonly Caller Local = new("local", IsAdmin: true);

    public static Command Create(CliIO io, GlobalOptions global)
    {
        var name = new Option<string?>("--name") { Description = "Only events and waits of this event name.", HelpName = "NAME" };
        var key = new Option<string?>("--key") { Description = "Only events and waits with this correlation key.", HelpName = "KEY" };
        var limit = new Option<int>("--limit") { Description = $"At most this many rows of each list (1 to {EventVerbs.MaxListLimit}).", HelpName = "N", DefaultValueFactory = _ => EventVerbs.DefaultListLimit };
        var json = JsonFlag.Create();
        var command = new Command("list", "List the events kept for flows that wait later (name, key, value, id, raised, kept until) and the flows that wait for an event by key.")
        {
            name, key, limit, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var rows = parse.GetValue(limit);
            if (rows is < 1 or > EventVerbs.MaxListLimit)
            {
                throw new UsageException($"--limit must be between 1 and {EventVerbs.MaxListLimit}");
            }

            var listing = await ReadAsync(global, parse, parse.GetValue(name), parse.GetValue(key), rows, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, JsonSerializer.SerializeToNode(listing, JsonSerializerOptions.Web)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await WriteAsync(io, listing).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<KeyedEventListing> ReadAsync(GlobalOptions global, ParseResult parse, string? name, string? key, int limit, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            return await server.UseAsync((client, token) => client.ListEventsAsync(name, key, limit, token), ct).ConfigureAwait(false);
        }

        var host = await CliHost.OpenAsync(global.Read(parse), FlowMachine.NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await host.Events.ListAsync(Local, name, key, limit, ct).ConfigureAwait(false);
    }

    private static async Task WriteAsync(CliIO io, KeyedEventListing listing)
    {
        var console = CliIO.ConsoleFor(io.Out);
        if (listing.Kept.Count == 0)
        {
            await io.Out.WriteLineAsync("no kept events").ConfigureAwait(false);
        }
        else
        {
            var kept = new Table().Border(TableBorder.Simple).AddColumns("event", "key", "value", "id", "raised", "kept until");
            foreach (var e in listing.Kept)
            {
                kept.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Key), Markup.Escape(JsonOutput.Compact(e.Value)), Markup.Escape(e.Id ?? "-"), Time(e.RaisedAt), Time(e.KeepUntil));
            }

            console.Write(kept);
        }

        if (listing.Waiting.Count == 0)
        {
            await io.Out.WriteLineAsync("no flows wait for an event by key").ConfigureAwait(false);
            return;
        }

        var waiting = new Table().Border(TableBorder.Simple).AddColumns("flow", "routine", "step", "event", "key", "waiting since");
        foreach (var w in listing.Waiting)
        {
            waiting.AddRow(Markup.Escape(w.FlowId), Markup.Escape(w.Routine ?? "-"), Markup.Escape(w.StepKey), Markup.Escape(w.EventName), Markup.Escape(w.Key),
                w.WaitingSince is { } since ? Time(since) : "-");
        }

        console.Write(waiting);
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
