using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Client;
using FlowMachine.Hooks;
using FlowMachine.Operations;

namespace FlowMachine.Cli.Commands.Hooks;

/// <summary>
/// Where a hook verb acts: the server (<c>--server</c>, as the API key's user) or the database through
/// <see cref="HookVerbs"/> (as an administrator, as the other verbs on a database). On the database there is no
/// server address, so a hook's URL is its path, <c>/api/v1/hooks/NAME</c>, under the address its server is reached at.
/// </summary>
internal static class HookTarget
{
    /// <summary>Whoever can open the database sees and manages every hook.</summary>
    public static readonly Caller Local = new(LocalOwner.DefaultAdmin, IsAdmin: true);

    /// <summary>A hook's URL on the database: its path.</summary>
    public static string LocalUrl(string name) => HookVerbs.PathOf(name);

    /// <summary>Runs <paramref name="remote"/> on a client of the server, or <paramref name="local"/> on the opened database.</summary>
    /// <exception cref="UsageException">The server refused a field (named with its option, as on the database).</exception>
    public static async Task<T> UseAsync<T>(
        GlobalOptions global, ParseResult parse, Func<IFlowMachineClient, CancellationToken, Task<T>> remote, Func<CliHost, CancellationToken, Task<T>> local, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            try
            {
                return await server.UseAsync(remote, ct).ConfigureAwait(false);
            }
            catch (FlowMachineValidationException ex) when (ex.Problem.Errors.Count > 0)
            {
                throw new UsageException(string.Join(Environment.NewLine + "error: ", ex.Problem.Errors.SelectMany(e => e.Value.Select(m => HookOutput.Field(e.Key, m)))), ex);
            }
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await local(host, ct).ConfigureAwait(false);
    }

    /// <summary>The hook a verb on the database left, or why there is none.</summary>
    /// <exception cref="UsageException">The verb was refused: the field at fault and its option are named.</exception>
    public static Storage.HookRecord Check(HookResult result, string name) => result.Outcome switch
    {
        HookOutcome.Done => result.Hook!,
        HookOutcome.NotFound => throw NotFound(name),
        _ => throw new UsageException(HookOutput.Field(result.Field!, result.Problem!)),
    };

    public static UsageException NotFound(string name) => new($"hook '{name}' does not exist; `flowmachine hooks list` shows the hooks");
}
