using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Calls an HTTP endpoint and completes with <c>{ status, headers, body }</c>; a status outside
/// <c>expect</c> fails the step.
/// </summary>
[TaskType("http", Description = "Calls an HTTP endpoint; the result is { status, headers, body }.")]
[TaskParam("method", "The HTTP method (default GET).")]
[TaskParam("url", "The absolute http or https URL.", Required = true)]
[TaskParam("headers", "An object of request header name -> string value.")]
[TaskParam("body", "The request body: a string is sent as text/plain, any other JSON as application/json.")]
[TaskParam("timeout", "Seconds before the call is abandoned (default 30).")]
[TaskParam("expect", "An array of acceptable status codes (default: any 2xx).")]
internal sealed class HttpTask : IFlowTask
{
    /// <summary>The most response bytes read; more fails the step rather than filling memory.</summary>
    internal const int MaxBodyBytes = 10 * 1024 * 1024;

    private const double DefaultTimeoutSeconds = 30;

    // One client for the process: sockets are pooled, and a bounded connection lifetime picks up DNS changes.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.All,
        ConnectCallback = ConnectAsync,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // per call, from task_params.timeout
    };

    /// <summary>Connects only to addresses <see cref="HttpTaskOptions"/> allows, checked after name resolution.</summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext connection, CancellationToken cancellationToken)
    {
        var host = connection.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var policy = HttpTaskOptions.Current;
        foreach (var address in addresses)
        {
            if (policy.CheckAddress(address) is { } refused)
            {
                throw new HttpRequestException(refused);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, connection.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        HttpRequestMessage request;
        double timeout;
        HashSet<int>? expect;
        try
        {
            (request, timeout, expect) = BuildRequest(context);
        }
        catch (TaskParamException ex)
        {
            return Outcome.Fail(ex.Message);
        }

        using (request)
        {
            var call = $"{request.Method} {request.RequestUri}";
            if (HttpTaskOptions.Current.CheckHost(request.RequestUri!.IdnHost) is { } refusedHost)
            {
                return Outcome.Fail($"{call} refused: {refusedHost}");
            }

            using var timeoutSource = new CancellationTokenSource(TimeSpan.FromSeconds(timeout), context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            try
            {
                using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var bytes = await ReadBodyAsync(response.Content, linked.Token).ConfigureAwait(false);
                if (bytes is null)
                {
                    return Outcome.Fail($"HTTP {(int)response.StatusCode} from {call}: response body is larger than {MaxBodyBytes / (1024 * 1024)} MB");
                }

                var text = Decode(bytes, response.Content.Headers.ContentType);
                var status = (int)response.StatusCode;
                var accepted = expect?.Contains(status) ?? status is >= 200 and <= 299;
                if (!accepted)
                {
                    var snippet = text.Length > 200 ? text[..200] : text;
                    return Outcome.Fail($"HTTP {status} from {call}: {snippet}");
                }

                return Outcome.Result(new JsonObject
                {
                    ["status"] = status,
                    ["headers"] = Headers(response),
                    ["body"] = ParseBody(text, response.Content.Headers.ContentType),
                });
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
            {
                return Outcome.Fail($"{call} timed out after {timeout.ToString(CultureInfo.InvariantCulture)} s");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return Outcome.Fail($"{call} failed: {ex.Message}");
            }
        }
    }

    private static (HttpRequestMessage Request, double Timeout, HashSet<int>? Expect) BuildRequest(TaskContext context)
    {
        var method = (ParamReader.String(context, "method") ?? "GET").Trim().ToUpperInvariant();
        if (method.Length == 0 || !method.All(c => char.IsAsciiLetter(c) || c == '-'))
        {
            throw ParamReader.Bad(context, "method", "an HTTP method such as GET or POST", context.Params["method"]);
        }

        var url = ParamReader.RequiredString(context, "url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw ParamReader.Bad(context, "url", "an absolute http or https URL", context.Params["url"]);
        }

        var timeout = ParamReader.Number(context, "timeout") ?? DefaultTimeoutSeconds;
        if (timeout <= 0 || timeout > int.MaxValue / 1000)
        {
            throw ParamReader.Bad(context, "timeout", "a positive number of seconds", context.Params["timeout"]);
        }

        HashSet<int>? expect = null;
        if (ParamReader.Array(context, "expect") is { } codes)
        {
            expect = [];
            for (var i = 0; i < codes.Count; i++)
            {
                var code = codes[i];
                var n = code?.GetValueKind() == JsonValueKind.Number ? code.Deserialize<double>() : double.NaN;
                if (n != Math.Floor(n) || n is < 100 or > 599)
                {
                    throw ParamReader.Bad(context, $"expect[{i}]", "an HTTP status code (100-599)", code);
                }

                expect.Add((int)n);
            }
        }

        var headers = ParamReader.Object(context, "headers");
        var request = new HttpRequestMessage(new HttpMethod(method), uri);
        try
        {
            if (ParamReader.Given(context, "body"))
            {
                var body = context.Params["body"]!;
                request.Content = body.GetValueKind() == JsonValueKind.String
                    ? new StringContent(body.GetValue<string>(), Encoding.UTF8, "text/plain")
                    : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            foreach (var (name, value) in headers ?? [])
            {
                if (value is null || value.GetValueKind() != JsonValueKind.String)
                {
                    throw ParamReader.Bad(context, $"headers.{name}", "a string", value);
                }

                AddHeader(context, request, name, value.GetValue<string>());
            }

            return (request, timeout, expect);
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static void AddHeader(TaskContext context, HttpRequestMessage request, string name, string value)
    {
        bool added;
        try
        {
            // Content headers (Content-Type, ...) are refused on the request and belong on the body.
            added = request.Headers.TryAddWithoutValidation(name, value);
            if (!added && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                added = request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw ParamReader.Invalid(context, $"task_params.headers.{name} is not a valid header: {ex.Message}");
        }

        if (!added)
        {
            throw ParamReader.Invalid(context, $"task_params.headers.{name} cannot be sent (a content header needs task_params.body)");
        }
    }

    /// <summary>Reads at most <see cref="MaxBodyBytes"/>; null when the body is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Decode(byte[] bytes, MediaTypeHeaderValue? contentType)
    {
        var encoding = Encoding.UTF8;
        if (contentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8 is the best guess for a web payload.
            }
        }

        return encoding.GetString(bytes);
    }

    private static JsonNode? ParseBody(string text, MediaTypeHeaderValue? contentType)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var mediaType = contentType?.MediaType ?? string.Empty;
        var declaredJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        var looksJson = declaredJson || text.AsSpan().TrimStart() is [('{' or '[' or '"' or '-' or (>= '0' and <= '9') or 't' or 'f' or 'n'), ..];
        if (looksJson)
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON after all (or mislabelled): keep the text.
            }
        }

        return JsonValue.Create(text);
    }

    private static JsonObject Headers(HttpResponseMessage response)
    {
        // Lower-case names: HTTP names are case-insensitive and specs interpolate $tasks.x.result.headers.content-type.
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        return headers;
    }
}
