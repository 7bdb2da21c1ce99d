using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Cli.Hosting;

/// <summary>The running server a verb talks to (<c>--server</c>, <c>--api-key</c>) instead of opening a database.</summary>
/// <param name="Url">The server's address.</param>
/// <param name="ApiKey">The key, or null (the server then answers 401, which the tool reports).</param>
internal sealed record ServerTarget(Uri Url, string? ApiKey)
{
    /// <summary>A client of the server, composed as an app's <c>AddFlowMachineClient()</c> does; disposing closes it.</summary>
    public ServerConnection Connect()
    {
        var services = new ServiceCollection();
        services.AddFlowMachineClient(o =>
        {
            o.BaseAddress = Url;
            o.ApiKey = ApiKey;
        });
        return new ServerConnection(services.BuildServiceProvider());
    }

    /// <summary>Runs <paramref name="call"/> on a client of the server, closed afterwards.</summary>
    public async Task<T> UseAsync<T>(Func<FlowMachine.Client.IFlowMachineClient, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var connection = Connect();
        await using var connectionScope = connection.ConfigureAwait(false);
        return await call(connection.Client, ct).ConfigureAwait(false);
    }

    /// <summary>" --server URL" for hints that must reach the same server.</summary>
    public string Argument => $" --server {Url.ToString().TrimEnd('/')}";
}
