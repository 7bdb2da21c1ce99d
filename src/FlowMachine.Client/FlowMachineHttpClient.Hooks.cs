using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowMachine.Hooks;

namespace FlowMachine.Client;

/// <summary>Managing webhooks: creating, deleting and rotating are commands, each with an Idempotency-Key.</summary>
internal sealed partial class FlowMachineHttpClient
{
    // The server refuses unknown fields in a hook; absent actions and paths are left out rather than sent as null.
    private static readonly JsonSerializerOptions HookJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public Task<HookCreatedDocument> CreateHookAsync(HookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CommandReadAsync<HookCreatedDocument>(HttpMethod.Post, "api/v1/hooks", JsonSerializer.SerializeToNode(request, HookJson), cancellationToken);
    }

    public async Task<IReadOnlyList<HookDocument>> ListHooksAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/v1/hooks", null, idempotent: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<HookListDocument>(response, cancellationToken).ConfigureAwait(false)).Items;
    }

    public async Task<HookDocument?> GetHookAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, HookPath(name), null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<HookDocument>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteHookAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendCommandAsync(HttpMethod.Delete, HookPath(name), null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public Task<HookSecretDocument> RotateHookAsync(string name, CancellationToken cancellationToken = default) =>
        CommandReadAsync<HookSecretDocument>(HttpMethod.Post, HookPath(name) + "/rotate", null, cancellationToken);

    private static string HookPath(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "api/v1/hooks/" + Uri.EscapeDataString(name);
    }
}
