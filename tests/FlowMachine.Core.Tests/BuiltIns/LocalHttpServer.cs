using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowMachine.Tests.BuiltIns;

/// <summary>
/// A real HTTP server on 127.0.0.1 with a few fixed routes, for exercising the <c>http</c> task:
/// <c>/json</c>, <c>/text</c>, <c>/echo</c> (echoes method, content type, X-Test header and body),
/// <c>/status/{code}</c>, <c>/slow</c> (answers after 10 s or at shutdown) and <c>/big</c> (11 MB).
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    public LocalHttpServer()
    {
        // A free port from the OS; the tiny gap before HttpListener binds it is fine for tests.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        BaseUrl = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(BaseUrl + "/");
        listener.Start();
        loop = Task.Run(AcceptAsync);
    }

    public string BaseUrl { get; }

    public void Dispose()
    {
        stopping.Cancel();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends by exception when the listener closes.
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = request.Url!.AbsolutePath;
            switch (path)
            {
                case "/json":
                    await WriteAsync(response, 200, "application/json; charset=utf-8", """{ "hello": "world", "n": [1, 2] }""");
                    break;
                case "/text":
                    await WriteAsync(response, 200, "text/plain", "just text");
                    break;
                case "/json-as-text":
                    await WriteAsync(response, 200, "text/plain", """{ "sneaky": true }""");
                    break;
                case "/echo":
                    using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
                    {
                        var body = await reader.ReadToEndAsync();
                        response.Headers["X-Echo-Method"] = request.HttpMethod;
                        response.Headers["X-Echo-Content-Type"] = request.ContentType ?? "";
                        response.Headers["X-Echo-Test"] = request.Headers["X-Test"] ?? "";
                        await WriteAsync(response, 200, "text/plain", body);
                    }

                    break;
                case "/slow":
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(10), stopping.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    await WriteAsync(response, 200, "text/plain", "late");
                    break;
                case "/big":
                    await WriteAsync(response, 200, "text/plain", new string('x', 11 * 1024 * 1024));
                    break;
                default:
                    if (path.StartsWith("/status/", StringComparison.Ordinal) && int.TryParse(path["/status/".Length..], out var code))
                    {
                        await WriteAsync(response, code, "text/plain", $"status {code}: " + new string('e', 300));
                    }
                    else
                    {
                        await WriteAsync(response, 404, "text/plain", "no such route");
                    }

                    break;
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // The client went away (a timeout test); nothing to answer.
        }
        catch (IOException)
        {
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
