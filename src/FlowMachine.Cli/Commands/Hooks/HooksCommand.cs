using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Hooks;

namespace FlowMachine.Cli.Commands.Hooks;

/// <summary>
/// <c>flowmachine hooks add|list|delete|rotate</c>: webhooks that other systems post signed deliveries to. On the database
/// every hook is listed and managed; with <c>--server</c>, the API key's user's (an administrator's: all).
/// </summary>
internal static class HooksCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var command = new Command("hooks", "Add, list, delete and rotate webhooks: signed deliveries from other systems start a routine or raise an event by key.");
        command.Subcommands.Add(HookAddCommand.Create(io, global));
        command.Subcommands.Add(List(io, global));
        command.Subcommands.Add(Delete(io, global));
        command.Subcommands.Add(Rotate(io, global));
        return command;
    }

    private static Command List(CliIO io, GlobalOptions global)
    {
        var json = JsonFlag.Create();
        var command = new Command("list", "List the webhooks by name (never their secrets): action, owner, when created and rotated, URL.") { json };
        command.SetAction(async (parse, ct) =>
        {
            var hooks = await HookTarget.UseAsync(global, parse, (client, token) => client.ListHooksAsync(token), async (host, token) =>
                (IReadOnlyList<HookDocument>)[.. (await host.Hooks.ListAsync(HookTarget.Local, token).ConfigureAwait(false)).Select(h => HookDocument.Of(h, HookTarget.LocalUrl(h.Name)))], ct)
                .ConfigureAwait(false);
            return await HookOutput.WriteAsync(io.Out, parse.GetValue(json), new HookListDocument(hooks), () => HookOutput.WriteListAsync(io.Out, hooks)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Delete(CliIO io, GlobalOptions global)
    {
        var (command, name, json) = Verb("delete", "Delete a webhook: its URL refuses deliveries from now on; the flows it started stay.");
        command.SetAction(async (parse, ct) =>
        {
            var hook = parse.GetRequiredValue(name);
            await HookTarget.UseAsync(global, parse,
                async (client, token) =>
                {
                    await client.DeleteHookAsync(hook, token).ConfigureAwait(false);
                    return true;
                },
                async (host, token) => await host.Hooks.DeleteAsync(HookTarget.Local, hook, token).ConfigureAwait(false) ? true : throw HookTarget.NotFound(hook), ct).ConfigureAwait(false);
            return await HookOutput.WriteAsync(io.Out, parse.GetValue(json), new JsonObject { ["name"] = hook, ["deleted"] = true },
                () => io.Out.WriteLineAsync($"hook {hook} deleted; its URL refuses deliveries from now on")).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Rotate(CliIO io, GlobalOptions global)
    {
        var (command, name, json) = Verb("rotate", "Give a webhook a new secret, printed only now; deliveries signed with the old one are refused from now on.");
        command.SetAction(async (parse, ct) =>
        {
            var hook = parse.GetRequiredValue(name);
            var rotated = await HookTarget.UseAsync(global, parse, (client, token) => client.RotateHookAsync(hook, token), async (host, token) =>
            {
                var record = HookTarget.Check(await host.Hooks.RotateAsync(HookTarget.Local, hook, token).ConfigureAwait(false), hook);
                return new HookSecretDocument(record.Name, record.Secret, HookTarget.LocalUrl(record.Name));
            }, ct).ConfigureAwait(false);
            return await HookOutput.WriteAsync(io.Out, parse.GetValue(json), rotated,
                () => HookOutput.WriteSecretAsync(io.Out, $"hook {rotated.Name}: new secret; the old one no longer signs", rotated.Name, rotated.Secret, rotated.Url)).ConfigureAwait(false);
        });
        return command;
    }

    private static (Command Command, Argument<string> Name, Option<bool> Json) Verb(string verb, string description)
    {
        var name = new Argument<string>("NAME") { Description = "The hook's name." };
        var json = JsonFlag.Create();
        return (new Command(verb, description) { name, json }, name, json);
    }
}
