using System.CommandLine;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Hosting;

/// <summary>
/// Who owns what a verb creates on the database (a flow, a routine version): <c>--as USER</c>, or the local admin, so
/// a server on the same database shows it to its owner and never as "saved by unknown".
/// </summary>
internal static class LocalOwner
{
    /// <summary>The name the first <c>serve</c> gives its admin, and the owner while the database has no users yet.</summary>
    public const string DefaultAdmin = "admin";

    public static Option<string?> CreateOption() => new("--as")
    {
        Description = $"The user who owns what this creates (default: user '{DefaultAdmin}', or the first admin).",
        HelpName = "USER",
    };

    /// <summary>
    /// <paramref name="given"/> when it names a user; without it, <c>admin</c> when it exists, else the first admin by name,
    /// else <c>admin</c> (the user the first <c>serve</c> creates).
    /// </summary>
    /// <exception cref="UsageException"><paramref name="given"/> names no user.</exception>
    public static async Task<string> ResolveAsync(IUserStore users, string? given, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            var name = given.Trim();
            return await users.GetUserAsync(name, cancellationToken).ConfigureAwait(false) is not null
                ? name
                : throw new UsageException($"user '{name}' (--as) does not exist; `flowmachine users list` shows the users.");
        }

        if (await users.GetUserAsync(DefaultAdmin, cancellationToken).ConfigureAwait(false) is { IsAdmin: true })
        {
            return DefaultAdmin;
        }

        var admins = (await users.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Where(u => u.IsAdmin).ToList();
        return admins.Count > 0 ? admins[0].Name : DefaultAdmin;
    }
}
