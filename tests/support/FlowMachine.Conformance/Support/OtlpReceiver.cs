using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowMachine.Tests.Support;

/// <summary>
/// A stand-in OTLP/HTTP collector on a free loopback port: it answers every POST with an empty protobuf response
/// (a valid empty Export*ServiceResponse) and keeps what came. The payloads are protobuf; their strings (names,
/// attribute keys and values) are plain UTF-8 inside, which is what the tests look for.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public OtlpReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Every request: its path, content type and body as Latin-1 text (every byte kept, strings readable).</summary>
    public ConcurrentQueue<(string Path, string? ContentType, string Body)> Requests { get; } = new();

    /// <summary>The bodies of the requests to <paramref name="path"/> so far, as sent.</summary>
    public IEnumerable<byte[]> Bodies(string path) => Requests.Where(r => r.Path == path).Select(r => Encoding.Latin1.GetBytes(r.Body)).ToList();

    /// <summary>Waits until a request to <paramref name="path"/> holds every one of <paramref name="needles"/>.</summary>
    public async Task<string> WaitForAsync(string path, TimeSpan timeout, params string[] needles)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var bodies = Requests.Where(r => r.Path == path).Select(r => r.Body).ToList();
            var all = string.Concat(bodies);
            if (needles.All(n => all.Contains(n, StringComparison.Ordinal)))
            {
                return all;
            }

            await Task.Delay(100);
        }

        var seen = string.Join(", ", Requests.Select(r => $"{r.Path} ({r.Body.Length} bytes)"));
        throw new TimeoutException($"no {path} request with {string.Join(", ", needles)} in {timeout}; received: {seen}");
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, Encoding.Latin1.GetString(body.ToArray())));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
