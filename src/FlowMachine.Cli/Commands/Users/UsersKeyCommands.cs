using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Users;

namespace FlowMachine.Cli.Commands.Users;

/// <summary>
/// <c>flowmachine users rotate NAME</c> (a new key, printed once; the old ones stop working) and
/// <c>flowmachine users revoke NAME</c> (every key of the user stops working; the user and its flows stay).
/// </summary>
internal static class UsersKeyCommands
{
    public static Command CreateRotate(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The user whose keys are replaced." };
        var json = JsonFlag.Create();
        var command = new Command("rotate", "Replace every API key of a user with a new one, printed only this once; the old keys stop working at once.") { name, json };
        command.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(name)!.Trim();
            var (store, services) = await CliHost.OpenUsersAsync(global.Read(parse), ct).ConfigureAwait(false);
            await using var usersHost = services.ConfigureAwait(false);
            var key = await UserAccounts.RotateKeyAsync(store, userName, io.Time.GetUtcNow(), ct).ConfigureAwait(false)
                ?? throw NoSuchUser(userName);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, new JsonObject { ["name"] = userName, ["key"] = key }).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await io.Out.WriteLineAsync($"New API key of '{userName}' (its old keys no longer work). It is shown only this once:").ConfigureAwait(false);
            await io.Out.WriteLineAsync(key).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateRevoke(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The user whose keys stop working." };
        var command = new Command("revoke", "Make every API key of a user stop working (the user and its flows stay; `users rotate` gives it a new key).") { name };
        command.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(name)!.Trim();
            var (store, services) = await CliHost.OpenUsersAsync(global.Read(parse), ct).ConfigureAwait(false);
            await using var usersHost = services.ConfigureAwait(false);
            if (!await UserAccounts.RevokeKeysAsync(store, userName, ct).ConfigureAwait(false))
            {
                throw NoSuchUser(userName);
            }

            await io.Out.WriteLineAsync($"Revoked every API key of '{userName}'; `flowmachine users rotate {userName}` gives it a new one.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static UsageException NoSuchUser(string name) =>
        new($"user '{name}' does not exist; `flowmachine users list` shows the users.");
}
