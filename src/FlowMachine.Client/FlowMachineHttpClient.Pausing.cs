using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Client;

/// <summary>Suspending flows and pausing routines: holding twice changes nothing, so these may be sent again.</summary>
internal sealed partial class FlowMachineHttpClient
{
    public Task<HoldResult> SuspendFlowAsync(string flowId, bool suspend = true, CancellationToken cancellationToken = default) =>
        HoldAsync($"{FlowPath(flowId)}/{(suspend ? "suspend" : "resume")}", cancellationToken);

    public Task<HoldResult> PauseRoutineAsync(string name, bool pause = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return HoldAsync($"api/v1/routines/{Uri.EscapeDataString(name)}/{(pause ? "pause" : "resume")}", cancellationToken);
    }

    private async Task<HoldResult> HoldAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendCommandAsync(HttpMethod.Post, path, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new HoldResult(HoldStatus.NotFound);
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var answer = await ReadAsync<JsonObject>(response, cancellationToken).ConfigureAwait(false);
        FlowState? state = StateNames.TryParseFlowState((string?)answer["state"], out var parsed) ? parsed : null;
        return new HoldResult((bool?)answer["changed"] == true ? HoldStatus.Changed : HoldStatus.Unchanged, state);
    }
}
