using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary>Reads of flows through <see cref="IFlowClient"/>: the database's, or the server's with <c>--server</c>; the same results either way.</summary>
internal static class FlowReads
{
    /// <summary>Runs <paramref name="read"/> on the client of the server (<c>--server</c>) or of the opened database.</summary>
    public static async Task<T> UseAsync<T>(GlobalOptions global, ParseResult parse, Func<IFlowClient, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            return await server.UseAsync(read, ct).ConfigureAwait(false);
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        return await read(host.Client, ct).ConfigureAwait(false);
    }

    public static Task<FlowPage> ListAsync(GlobalOptions global, ParseResult parse, FlowQuery query, CancellationToken ct) =>
        UseAsync(global, parse, (client, token) => client.ListAsync(query, token), ct);

    /// <exception cref="UsageException">No such flow.</exception>
    public static Task<FlowView> GetAsync(GlobalOptions global, ParseResult parse, string flowId, CancellationToken ct) =>
        UseAsync(global, parse, async (client, token) => await client.GetAsync(flowId, token).ConfigureAwait(false) ?? throw new UsageException($"flow {flowId} does not exist"), ct);
}
