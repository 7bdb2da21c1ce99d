using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Users;

namespace FlowMachine.Cli.Commands.Users;

/// <summary><c>flowmachine users add NAME [--admin]</c>: a new user of the server and its API key, printed once; <c>list</c>, <c>rotate</c> and <c>revoke</c> beside it.</summary>
internal static class UsersCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var users = new Command("users", "Manage the server's users and their API keys.");
        users.Subcommands.Add(CreateAdd(io, global));
        users.Subcommands.Add(UsersListCommand.Create(io, global));
        users.Subcommands.Add(UsersKeyCommands.CreateRotate(io, global));
        users.Subcommands.Add(UsersKeyCommands.CreateRevoke(io, global));
        return users;
    }

    private static Command CreateAdd(CliIO io, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "The new user's name." };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator (sees and acts on every flow)." };
        var json = JsonFlag.Create();
        var command = new Command("add", "Add a user and print its API key (shown only this once; only its hash is stored).") { name, admin, json };
        command.SetAction(async (parse, ct) =>
        {
            var settings = global.Read(parse);
            var userName = parse.GetValue(name)!.Trim();
            if (userName.Length == 0 || userName.Length > 100 || userName.Any(char.IsWhiteSpace))
            {
                throw new UsageException($"user name '{userName}' must have 1 to 100 characters and no spaces.");
            }

            var (store, services) = await CliHost.OpenUsersAsync(settings, ct).ConfigureAwait(false);
            await using var usersHost = services.ConfigureAwait(false);
            string key;
            try
            {
                key = await UserAccounts.AddUserAsync(store, userName, parse.GetValue(admin), io.Time.GetUtcNow(), ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new UsageException(ex.Message, ex);
            }

            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, new JsonObject { ["name"] = userName, ["admin"] = parse.GetValue(admin), ["key"] = key }).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await io.Out.WriteLineAsync($"Created user '{userName}'{(parse.GetValue(admin) ? " (admin)" : "")}. Its API key is shown only this once:").ConfigureAwait(false);
            await io.Out.WriteLineAsync(key).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
