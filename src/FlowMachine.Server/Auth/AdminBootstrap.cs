using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Server.Auth;

/// <summary>
/// Makes sure someone can log in: the configured admin key (option or <c>FLOWMACHINE_ADMIN_KEY</c>) is
/// stored for user <c>admin</c>; without one, the first start creates <c>admin</c> and prints its key once.
/// </summary>
internal sealed class AdminBootstrap(IUserStore users, FlowMachineServerOptions options, TimeProvider time, ILogger<AdminBootstrap> logger) : IHostedService
{
    public const string AdminName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await users.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var key = options.AdminKey ?? Environment.GetEnvironmentVariable(FlowMachineServerOptions.AdminKeyVariable);
        if (!string.IsNullOrWhiteSpace(key))
        {
            key = key.Trim();
            if (await users.FindUserByKeyHashAsync(ApiKey.Hash(key), cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            await users.AddUserAsync(new UserRecord(AdminName, IsAdmin: true, now), cancellationToken).ConfigureAwait(false);
            var admin = await users.GetUserAsync(AdminName, cancellationToken).ConfigureAwait(false);
            if (admin is not { IsAdmin: true })
            {
                LogMessages.AdminNameTaken(logger);
                return;
            }

            await UserAccounts.AddKeyAsync(users, AdminName, key, now, cancellationToken).ConfigureAwait(false);
            LogMessages.AdminKeyFromEnvironment(logger, AdminName);
            return;
        }

        if (await users.CountUsersAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return;
        }

        var generated = await UserAccounts.AddUserAsync(users, AdminName, isAdmin: true, now, cancellationToken).ConfigureAwait(false);
        var output = options.KeyOutput ?? Console.Out;
        await output.WriteLineAsync($"Created user '{AdminName}'. Its API key is shown only this once; keep it safe:").ConfigureAwait(false);
        await output.WriteLineAsync($"  {generated}").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        LogMessages.AdminKeyGenerated(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
