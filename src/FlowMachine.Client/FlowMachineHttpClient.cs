using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Client.Http;
using FlowMachine.Client.Wire;
using FlowMachine.Engine;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Client;

/// <summary><see cref="IFlowMachineClient"/> over <c>/api/v1</c>: the typed client <c>AddFlowMachineClient</c> registers.</summary>
internal sealed partial class FlowMachineHttpClient(HttpClient http, FlowMachineClientOptions options) : IFlowMachineClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<StartFlowResult> StartAsync(StartFlowRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject();
        Add(body, "routine", request.Routine);
        Add(body, "version", request.Version);
        Add(body, "spec", SpecOf(request));
        Add(body, "input", request.Input?.DeepClone());
        Add(body, "key", request.Key);
        Add(body, "label", request.Label);
        Add(body, "tags", request.Tags is { } tags ? new JsonArray([.. tags.Select(t => (JsonNode?)t)]) : null);
        Add(body, "priority", request.Priority);

        // A start with a key is idempotent (the same key returns the same flow), so it may be sent again.
        using var response = await SendAsync(HttpMethod.Post, "api/v1/flows", body, idempotent: request.Key is not null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var flow = await ReadAsync<WireFlow>(response, cancellationToken).ConfigureAwait(false);
        return new StartFlowResult(WireMapping.ToRecord(flow), response.StatusCode == HttpStatusCode.Created);
    }

    public async Task<FlowView?> GetAsync(string flowId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, FlowPath(flowId), null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToView(await ReadAsync<WireFlow>(response, cancellationToken).ConfigureAwait(false));
    }

    public async Task<FlowPage> ListAsync(FlowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Version is not null || query.ParentFlowId is not null)
        {
            throw new ArgumentException("The API lists flows by state, routine, schedule, key, tag, attribute, creation time and error; Version and ParentFlowId are not filters there.", nameof(query));
        }

        var parameters = new List<string>();
        Query(parameters, "state", query.State?.ToName());
        Query(parameters, "routine", query.Routine);
        Query(parameters, "schedule", query.Schedule);
        Query(parameters, "key", query.Key);
        Query(parameters, "tag", query.Tag);
        Query(parameters, "attr", query.Attribute is { } attr ? $"{attr.Key}={attr.Value}" : null);
        Query(parameters, "createdAfter", query.CreatedAfter?.ToString("O", CultureInfo.InvariantCulture));
        Query(parameters, "createdBefore", query.CreatedBefore?.ToString("O", CultureInfo.InvariantCulture));
        Query(parameters, "error", query.Error);
        Query(parameters, "limit", query.Limit.ToString(CultureInfo.InvariantCulture));
        Query(parameters, "after", query.After);
        using var response = await SendAsync(HttpMethod.Get, "api/v1/flows?" + string.Join('&', parameters), null, idempotent: true, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var page = await ReadAsync<WireFlowPage>(response, cancellationToken).ConfigureAwait(false);
        return new FlowPage([.. page.Items.Select(WireMapping.ToRecord)], page.Next);
    }

    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string flowId, long afterSeq = 0, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var path = FormattableString.Invariant($"{FlowPath(flowId)}/history?after={afterSeq}&limit={limit}");
        using var response = await SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var events = await ReadAsync<List<HistoryDocument>>(response, cancellationToken).ConfigureAwait(false);
        return [.. events.Select(e => new HistoryEvent(flowId, e.Seq, e.At, e.Kind, e.Step, e.Detail))];
    }

    private static JsonNode? SpecOf(StartFlowRequest request) =>
        request.Spec is { } spec ? JsonNode.Parse(SpecJson.Serialize(spec))
        : request.SpecNode is { } node ? node.DeepClone()
        : request.SpecText is { } text ? JsonValue.Create(text)
        : null;

    private static string FlowPath(string flowId)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        return "api/v1/flows/" + Uri.EscapeDataString(flowId);
    }

    private static void Add(JsonObject body, string name, JsonNode? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }
    }

    private static void Query(List<string> parameters, string name, string? value)
    {
        if (value is not null)
        {
            parameters.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }

    /// <summary>Sends a command with an Idempotency-Key (the caller's, or a new one): the server applies it once, so it may be sent again.</summary>
    private Task<HttpResponseMessage> SendCommandAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body, idempotent: true, cancellationToken, idempotencyKey: IdempotencyKey.Next());

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        JsonNode? body,
        bool idempotent,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            // Bytes, not a stream: a retried request sends the same body again.
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
            request.Content.Headers.ContentType = Json;
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKey.Header, idempotencyKey);
        }

        if (idempotent)
        {
            Idempotency.Mark(request);
        }

        return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await Problems.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new FlowMachineApiException(new FlowMachineProblem { Status = (int)response.StatusCode, Detail = $"the server answered {response.RequestMessage?.RequestUri} with JSON null" });
    }
}
