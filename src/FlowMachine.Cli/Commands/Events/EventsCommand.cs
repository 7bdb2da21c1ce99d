using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Commands.Flows;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Input;
using FlowMachine.Cli.Output;

namespace FlowMachine.Cli.Commands.Events;

/// <summary>
/// <c>flowmachine events raise NAME --key KEY</c>: an event by correlation key, for every flow that waits for it;
/// <c>flowmachine events list</c>: the kept events and the keyed waits.
/// </summary>
internal static class EventsCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var command = new Command("events", "Events by correlation key: raised once, they reach every flow that waits for their name and key.");
        command.Subcommands.Add(Raise(io, global));
        command.Subcommands.Add(EventsListCommand.Create(io, global));
        return command;
    }

    private static Command Raise(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The event's name, such as shipment.packed." };
        var key = new Option<string>("--key") { Description = "The correlation key the flows wait with, such as an order number.", HelpName = "KEY", Required = true };
        var value = new Option<string?>("--value") { Description = "The event's value as JSON: the result of each waiting step.", HelpName = "JSON" };
        var id = new Option<string?>("--id") { Description = "Makes the raise idempotent: an id seen before is ignored.", HelpName = "ID" };
        var json = JsonFlag.Create();
        var command = new Command("raise", "Raise an event by key: it reaches every flow waiting for NAME with KEY now and is kept (24 hours by default) for flows that wait later.")
        {
            name, key, value, id, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var eventName = parse.GetRequiredValue(name);
            var eventKey = parse.GetRequiredValue(key);
            if (eventKey.Length == 0)
            {
                throw new UsageException("--key needs the correlation key the flows wait with");
            }

            var text = parse.GetValue(value);
            var payload = text is null ? null : InputParser.ParseJson(text, "--value");
            var raised = await FlowReads.UseAsync(global, parse, (client, token) => client.RaiseEventAsync(eventName, eventKey, payload, parse.GetValue(id), token), ct)
                .ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, new JsonObject
                {
                    ["name"] = eventName,
                    ["key"] = eventKey,
                    ["reached"] = raised.Reached,
                    ["duplicate"] = raised.Duplicate,
                }).ConfigureAwait(false);
            }
            else
            {
                await io.Out.WriteLineAsync(raised.Duplicate
                    ? $"event {eventName} with key {eventKey}: its id was seen before; nothing done"
                    : $"event {eventName} with key {eventKey} reached {raised.Reached} waiting flow(s); kept for flows that wait for it later").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
