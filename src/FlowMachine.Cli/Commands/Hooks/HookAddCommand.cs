using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Hooks;
using FlowMachine.Operations;

namespace FlowMachine.Cli.Commands.Hooks;

/// <summary>
/// <c>flowmachine hooks add NAME (--start ROUTINE [--input key=PATH ...] [--key PATH] | --event NAME --key PATH [--value PATH])</c>:
/// prints the secret (shown only now) and the URL to post deliveries to.
/// </summary>
internal static class HookAddCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The hook's name (letters, digits, '.', '_', '-'): the last part of its URL." };
        var start = new Option<string?>("--start") { Description = "Each delivery starts a flow of this stored routine.", HelpName = "ROUTINE" };
        var input = new Option<string[]>("--input", "-i")
        {
            Description = "With --start: an input field and the path its value comes from ($delivery, $body, or $body with .field and [index] parts, such as order=$body.order.id); repeatable (default: the whole body).",
            HelpName = "KEY=PATH",
            Arity = ArgumentArity.OneOrMore,
        };
        var key = new Option<string?>("--key") { Description = "The path of the flow's key (--start: a redelivery mapping to a used key starts nothing) or of the event's correlation key (--event, required).", HelpName = "PATH" };
        var raise = new Option<string?>("--event") { Description = "Each delivery raises this event by key, for the flows that wait for it.", HelpName = "NAME" };
        var value = new Option<string?>("--value") { Description = "With --event: the path of the event's value, such as $body (default: no value).", HelpName = "PATH" };
        var owner = LocalOwner.CreateOption();
        var json = JsonFlag.Create();
        var command = new Command("add", "Add a webhook: deliveries signed with its secret start a routine or raise an event by key, with values taken from the JSON body by paths such as $body.order.id; prints the secret (only now) and the URL.")
        {
            name, start, input, key, raise, value, owner, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = Request(parse.GetRequiredValue(name), parse.GetValue(start), parse.GetValue(input) ?? [], parse.GetValue(key), parse.GetValue(raise), parse.GetValue(value));
            var by = parse.GetValue(owner);
            var created = await HookTarget.UseAsync(global, parse,
                (client, token) => by is not null
                    ? throw new UsageException("--as does not apply with --server: the hook belongs to the API key's user.")
                    : client.CreateHookAsync(request, token),
                async (host, token) =>
                {
                    var caller = new Caller(await LocalOwner.ResolveAsync(host.Users, by, token).ConfigureAwait(false), IsAdmin: true);
                    var hook = HookTarget.Check(await host.Hooks.CreateAsync(caller, request, token).ConfigureAwait(false), request.Name!);
                    return HookCreatedDocument.Of(HookDocument.Of(hook, HookTarget.LocalUrl(hook.Name)), hook.Secret);
                }, ct).ConfigureAwait(false);
            return await HookOutput.WriteAsync(io.Out, parse.GetValue(json), created, () => HookOutput.WriteSecretAsync(
                io.Out, $"hook {created.Name} added: each delivery {HookOutput.Action(created.Start, created.Event)}", created.Name, created.Secret, created.Url)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The API's body from the options; a wrong combination or path is refused here, naming the option.</summary>
    /// <exception cref="UsageException">The options do not make one action.</exception>
    internal static HookRequest Request(string name, string? start, IReadOnlyList<string> input, string? key, string? raise, string? value)
    {
        if (start is not null && raise is not null)
        {
            throw new UsageException("give either --start ROUTINE or --event NAME, not both: a hook does one thing with each delivery.");
        }

        if (start is null && raise is null)
        {
            throw new UsageException("give --start ROUTINE (each delivery starts a flow) or --event NAME --key PATH (each delivery raises an event by key).");
        }

        if (raise is not null)
        {
            if (input.Count > 0)
            {
                throw new UsageException("--input applies to --start only; with --event, --key and --value take the event's key and value from the delivery.");
            }

            return new HookRequest(name, Event: new HookEvent(raise,
                Path("--key", key ?? throw new UsageException("--event needs --key PATH: the path of the correlation key in the delivery, such as $body.order.id.")),
                value is null ? null : Path("--value", value)));
        }

        if (value is not null)
        {
            throw new UsageException("--value applies to --event only; with --start, --input takes the flow's input from the delivery.");
        }

        return new HookRequest(name, Start: new HookStart(start, input.Count == 0 ? null : Fields(input), key is null ? null : Path("--key", key)));
    }

    private static Dictionary<string, string> Fields(IReadOnlyList<string> pairs)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--input '{pair}' must look like key=PATH, such as order=$body.order.id.");
            }

            var field = pair[..equals];
            if (!fields.TryAdd(field, Path($"--input '{pair}':", pair[(equals + 1)..])))
            {
                throw new UsageException($"--input names '{field}' twice.");
            }
        }

        return fields;
    }

    private static string Path(string option, string path) =>
        HookPaths.IsPath(path) ? path : throw new UsageException($"{option} '{path}' is not a path: {HookPaths.Rule}.");
}
