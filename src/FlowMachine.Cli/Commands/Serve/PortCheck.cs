using System.Net;
using System.Net.Sockets;

namespace FlowMachine.Cli.Commands.Serve;

/// <summary>
/// Binds each address of <c>--urls</c> for a moment before the server starts, so a port in use is one clear
/// error before anything is written to the database (the first start's admin user and its once-only key).
/// </summary>
internal static class PortCheck
{
    /// <summary>Throws <see cref="UsageException"/> naming the first address that cannot be bound.</summary>
    public static void EnsureFree(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Port == 0)
            {
                continue; // port 0 picks a free port; a malformed URL is the server's to report
            }

            var address = uri.IsLoopback ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip
                : IPAddress.Any;
            try
            {
                using var listener = new TcpListener(address, uri.Port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                throw InUse(url, ex.SocketErrorCode == SocketError.AccessDenied);
            }
        }
    }

    public static UsageException InUse(string url, bool denied = false) => new(denied
        ? $"cannot listen on {url}: permission denied (ports below 1024 need privileges); choose another with --urls, e.g. --urls http://localhost:5081"
        : $"cannot listen on {url}: the address is in use by another program (another flowmachine serve?); stop it or choose another port with --urls, e.g. --urls http://localhost:5081");
}
