using System.Text.Json.Nodes;
using FlowMachine.Retention;
using FlowMachine.Scheduling;

namespace FlowMachine.Client;

/// <summary>Changing schedules, and purging finished flows: commands, each with an Idempotency-Key.</summary>
internal sealed partial class FlowMachineHttpClient
{
    public async Task<ScheduleDocument> CreateScheduleAsync(JsonObject schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return await CommandReadAsync<ScheduleDocument>(HttpMethod.Post, "api/v1/schedules", schedule.DeepClone(), cancellationToken).ConfigureAwait(false);
    }

    public Task<ScheduleDocument> PauseScheduleAsync(string name, string? note = null, CancellationToken cancellationToken = default) =>
        CommandReadAsync<ScheduleDocument>(HttpMethod.Post, SchedulePath(name) + "/pause", Body(("note", note)), cancellationToken);

    public Task<ScheduleDocument> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        CommandReadAsync<ScheduleDocument>(HttpMethod.Post, SchedulePath(name) + "/resume", null, cancellationToken);

    public Task<ScheduleStarted> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        CommandReadAsync<ScheduleStarted>(HttpMethod.Post, SchedulePath(name) + "/trigger", null, cancellationToken);

    public Task<ScheduleStarted> BackfillScheduleAsync(string name, string first, string last, CancellationToken cancellationToken = default) =>
        CommandReadAsync<ScheduleStarted>(HttpMethod.Post, SchedulePath(name) + "/backfill", Body(("from", first), ("to", last)), cancellationToken);

    public async Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendCommandAsync(HttpMethod.Delete, SchedulePath(name), null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public Task<FlowPurgeDocument> PurgeAsync(string? state, string? olderThan, string? routine, string? tag, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var body = Body(("state", state), ("olderThan", olderThan), ("routine", routine), ("tag", tag));
        body["dryRun"] = dryRun;
        return CommandReadAsync<FlowPurgeDocument>(HttpMethod.Post, "api/v1/flows/purge", body, cancellationToken);
    }

    private static string SchedulePath(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "api/v1/schedules/" + Uri.EscapeDataString(name);
    }

    private async Task<T> CommandReadAsync<T>(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var response = await SendCommandAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }
}
