using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Routing;
using FlowMachine.Scheduling;

namespace FlowMachine.Client;

/// <summary>What operators read and do: schedules, workers and bulk actions.</summary>
internal sealed partial class FlowMachineHttpClient
{
    public Task<IReadOnlyList<ScheduleDocument>> ListSchedulesAsync(CancellationToken cancellationToken = default) =>
        GetListAsync<ScheduleDocument>("api/v1/schedules", cancellationToken);

    public async Task<ScheduleDocument?> GetScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var response = await SendAsync(HttpMethod.Get, "api/v1/schedules/" + Uri.EscapeDataString(name), null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<ScheduleDocument>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkersDocument> GetWorkersAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/v1/workers", null, idempotent: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkersDocument>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeyedEventListing> ListEventsAsync(string? name = null, string? key = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>();
        Query(parameters, "name", name);
        Query(parameters, "key", key);
        Query(parameters, "limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var path = parameters.Count == 0 ? "api/v1/events" : "api/v1/events?" + string.Join('&', parameters);
        using var response = await SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<KeyedEventListing>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<FlowBulkResult> BulkAsync(string action, FlowBulkFilter filter, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentNullException.ThrowIfNull(filter);
        var body = new JsonObject
        {
            ["action"] = action,
            ["filter"] = Body(
                ("state", filter.State), ("routine", filter.Routine), ("version", filter.Version), ("tag", filter.Tag),
                ("createdAfter", filter.CreatedAfter), ("createdBefore", filter.CreatedBefore), ("error", filter.Error)),
            ["dryRun"] = dryRun,
        };

        // A dry run changes nothing; a real one carries an Idempotency-Key, so a retry does not act twice.
        using var response = await SendCommandAsync(HttpMethod.Post, "api/v1/flows/bulk", body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<FlowBulkDocument>(response, cancellationToken).ConfigureAwait(false)).ToResult();
    }
}
