using System.Net;
using System.Net.Sockets;

namespace FlowMachine.BuiltIns;

/// <summary>
/// Where the built-in <c>http</c> task may connect. Checked against the addresses a name resolves to at
/// connect time, so a name that resolves to a forbidden address (DNS rebinding) is refused too.
/// </summary>
public sealed class HttpTaskOptions
{
    /// <summary>The settings every <c>http</c> step uses; set them once at start.</summary>
    public static HttpTaskOptions Current { get; set; } = new();

    /// <summary>When not empty, only these host names (or IP literals) may be called; <c>*.example.org</c> allows subdomains.</summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Refuse link-local addresses (169.254.0.0/16, fe80::/10) — where cloud metadata services live. Default true.</summary>
    public bool BlockLinkLocal { get; set; } = true;

    /// <summary>Why a call to <paramref name="host"/> is refused, or null when it is allowed.</summary>
    public string? CheckHost(string host)
    {
        if (AllowedHosts.Count == 0)
        {
            return null;
        }

        foreach (var allowed in AllowedHosts)
        {
            if (string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase)
                || (allowed.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }
        }

        return $"host '{host}' is not in the http task's allow-list";
    }

    /// <summary>Why connecting to <paramref name="address"/> is refused, or null when it is allowed.</summary>
    public string? CheckAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (!BlockLinkLocal)
        {
            return null;
        }

        var linkLocal = address.AddressFamily == AddressFamily.InterNetwork
            ? address.GetAddressBytes() is [169, 254, ..]
            : address.IsIPv6LinkLocal || address.Equals(AwsIpv6Metadata);
        return linkLocal ? $"address {address} is link-local (cloud metadata lives there); the http task refuses it" : null;
    }

    private static readonly IPAddress AwsIpv6Metadata = IPAddress.Parse("fd00:ec2::254");
}
