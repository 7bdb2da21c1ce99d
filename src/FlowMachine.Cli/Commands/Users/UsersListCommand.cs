using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Users;

namespace FlowMachine.Cli.Commands.Users;

/// <summary><c>flowmachine users list [--json]</c>: every user, its role and the display prefixes of its keys.</summary>
internal static class UsersListCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var json = JsonFlag.Create();
        var command = new Command("list", "List the users, whether they are admins, and the first characters of their API keys (never the keys).") { json };
        command.SetAction(async (parse, ct) =>
        {
            var (store, services) = await CliHost.OpenUsersAsync(global.Read(parse), ct).ConfigureAwait(false);
            await using var usersHost = services.ConfigureAwait(false);
            var users = await UserAccounts.ListAsync(store, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(io.Out, new JsonArray([.. users.Select(u => (JsonNode)u.ToJson())])).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (users.Count == 0)
            {
                await io.Out.WriteLineAsync("No users yet: `flowmachine users add NAME` adds one (the first `serve` adds 'admin').").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var width = Math.Max(4, users.Max(u => u.Name.Length));
            await io.Out.WriteLineAsync($"{"NAME".PadRight(width)}  ROLE   CREATED           KEYS").ConfigureAwait(false);
            foreach (var user in users)
            {
                var keys = user.KeyPrefixes.Count == 0 ? "none (revoked)" : string.Join(", ", user.KeyPrefixes.Select(p => p + "…"));
                var created = user.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                await io.Out.WriteLineAsync($"{user.Name.PadRight(width)}  {(user.IsAdmin ? "admin" : "user "),-5}  {created}  {keys}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
