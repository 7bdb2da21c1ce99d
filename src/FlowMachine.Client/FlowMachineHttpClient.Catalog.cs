using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Engine;

namespace FlowMachine.Client;

/// <summary>The server's routines and task types.</summary>
internal sealed partial class FlowMachineHttpClient
{
    public Task<IReadOnlyList<TaskTypeDocument>> ListTaskTypesAsync(CancellationToken cancellationToken = default) =>
        GetListAsync<TaskTypeDocument>("api/v1/tasks", cancellationToken);

    public Task<IReadOnlyList<RoutineSummary>> ListRoutinesAsync(CancellationToken cancellationToken = default) =>
        GetListAsync<RoutineSummary>("api/v1/routines", cancellationToken);

    public async Task<RoutineDocument?> GetRoutineAsync(string name, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = "api/v1/routines/" + Uri.EscapeDataString(name) + (version is { } v ? "?version=" + v.ToString(CultureInfo.InvariantCulture) : "");
        using var response = await SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<RoutineDocument>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RoutineSaveResult> SaveRoutineAsync(string name, JsonNode spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(spec);

        // Saving the same spec again changes nothing, so the request may be sent again.
        var body = new JsonObject { ["name"] = name, ["spec"] = spec.DeepClone() };
        using var response = await SendAsync(HttpMethod.Post, "api/v1/routines", body, idempotent: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var saved = await ReadAsync<RoutineSummary>(response, cancellationToken).ConfigureAwait(false);
        return new RoutineSaveResult(saved.Name, saved.Version, response.StatusCode == HttpStatusCode.Created);
    }

    private async Task<IReadOnlyList<T>> GetListAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<List<T>>(response, cancellationToken).ConfigureAwait(false);
    }
}
