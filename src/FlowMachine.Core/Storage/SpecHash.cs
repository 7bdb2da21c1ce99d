using System.Security.Cryptography;
using System.Text;

namespace FlowMachine.Storage;

/// <summary>
/// The key a store may keep a flow's spec under, apart from the flow row that every step rewrites: the
/// SHA-256 of its UTF-8 text, in lower-case hex. Flows started from the same text share one stored copy.
/// </summary>
public static class SpecHash
{
    /// <summary>The hash of <paramref name="specJson"/>.</summary>
    public static string Of(string specJson)
    {
        ArgumentNullException.ThrowIfNull(specJson);
        var bytes = Encoding.UTF8.GetByteCount(specJson);
        var buffer = bytes <= 4096 ? stackalloc byte[bytes] : new byte[bytes];
        Encoding.UTF8.GetBytes(specJson, buffer);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer, hash);
        return Convert.ToHexStringLower(hash);
    }
}
