using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Client;

/// <summary>The commands: queued on the server (202), each with an Idempotency-Key; 404 and 409 come back as results, as in process.</summary>
internal sealed partial class FlowMachineHttpClient
{
    public Task<CommandResult> SubmitAsync(string flowId, JsonNode? args = null, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default) =>
        CommandAsync(flowId, "submit", Body(("args", args?.DeepClone()), ("step", stepKey)), cancellationToken);

    public Task<CommandResult> PushAsync(string flowId, JsonNode? value, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default) =>
        CommandAsync(flowId, "push", Body(("value", value?.DeepClone()), ("step", stepKey)), cancellationToken);

    public Task<CommandResult> RaiseEventAsync(string flowId, string name, JsonNode? value = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return CommandAsync(flowId, "events/" + Uri.EscapeDataString(name), Body(("value", value?.DeepClone())), cancellationToken);
    }

    // With an id the server recognises a second send as a duplicate, so a lost answer may be retried; without one it is sent once.
    public async Task<KeyedEventResult> RaiseEventAsync(string name, string key, JsonNode? value, string? id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var body = Body(("key", key), ("value", value?.DeepClone()), ("id", id));
        using var response = await SendAsync(HttpMethod.Post, "api/v1/events/" + Uri.EscapeDataString(name), body, idempotent: id is not null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var raised = await ReadAsync<Wire.WireEventRaised>(response, cancellationToken).ConfigureAwait(false);
        return new KeyedEventResult(raised.Reached, raised.Duplicate);
    }

    public Task<CommandResult> CancelAsync(string flowId, string? reason = null, string? actor = null, CancellationToken cancellationToken = default) =>
        CommandAsync(flowId, "cancel", Body(("reason", reason)), cancellationToken);

    public Task<CommandResult> ResetAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default) =>
        CommandAsync(flowId, "reset", null, cancellationToken);

    public Task<CommandResult> RetryAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default) =>
        CommandAsync(flowId, "retry", null, cancellationToken);

    public Task<CommandResult> SetPositionAsync(string flowId, int position, string? actor = null, CancellationToken cancellationToken = default) =>
        CommandAsync(flowId, "position", Body(("position", position)), cancellationToken);

    // With its Idempotency-Key a delete sent again after a lost answer gets that answer, not "not found" of the flow it deleted.
    public async Task<FlowDeleteOutcome> DeleteAsync(string flowId, CancellationToken cancellationToken = default)
    {
        using var response = await SendCommandAsync(HttpMethod.Delete, FlowPath(flowId), null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return FlowDeleteOutcome.NotFound;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return FlowDeleteOutcome.Deleted;
    }

    private static JsonObject Body(params (string Name, JsonNode? Value)[] fields)
    {
        var body = new JsonObject();
        foreach (var (name, value) in fields)
        {
            Add(body, name, value);
        }

        return body;
    }

    // Each command carries an Idempotency-Key, so a retry after a transient failure is answered without applying it twice.
    private async Task<CommandResult> CommandAsync(string flowId, string verb, JsonObject? body, CancellationToken cancellationToken)
    {
        using var response = await SendCommandAsync(HttpMethod.Post, $"{FlowPath(flowId)}/{verb}", body, cancellationToken).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                return new CommandResult(CommandStatus.NotFound, (await Problems.ReadAsync(response, cancellationToken).ConfigureAwait(false)).Problem.ToString());
            case HttpStatusCode.Conflict:
                return new CommandResult(CommandStatus.Conflict, (await Problems.ReadAsync(response, cancellationToken).ConfigureAwait(false)).Problem.ToString());
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return CommandResult.Accepted;
    }
}
