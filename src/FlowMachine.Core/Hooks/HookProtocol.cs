using System.Security.Cryptography;
using System.Text;

namespace FlowMachine.Hooks;

/// <summary>
/// How a webhook delivery is signed and told apart: <c>X-FlowMachine-Signature: sha256=&lt;hex HMAC-SHA256 of the raw
/// body with the hook's secret&gt;</c> and <c>X-FlowMachine-Delivery: &lt;a unique id&gt;</c>.
/// </summary>
public static class HookProtocol
{
    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-FlowMachine-Signature";

    /// <summary>The header carrying the delivery id.</summary>
    public const string DeliveryHeader = "X-FlowMachine-Delivery";

    /// <summary>The header set to <c>true</c> on the answer to a redelivery (the stored first answer).</summary>
    public const string RedeliveryHeader = "X-FlowMachine-Redelivery";

    /// <summary>What a signature starts with.</summary>
    public const string SignaturePrefix = "sha256=";

    /// <summary>The longest delivery id.</summary>
    public const int MaxDeliveryIdLength = 200;

    /// <summary>The largest delivery body accepted, in bytes (the server's own limit when lower); larger ones get 413.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>How long a hook remembers a delivery id and its answer (a redelivery within it gets that answer).</summary>
    public static readonly TimeSpan DeliveryKeep = TimeSpan.FromDays(7);

    /// <summary>The signature header's value for <paramref name="body"/> signed with <paramref name="secret"/>: <c>sha256=</c> and lower-case hex.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Whether <paramref name="signature"/> (the header's value) signs <paramref name="body"/> with <paramref name="secret"/>, compared in constant time.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        if (signature is null || !signature.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] sent;
        try
        {
            sent = Convert.FromHexString(signature.AsSpan(SignaturePrefix.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, sent);
    }

    /// <summary>Whether <paramref name="delivery"/> is a delivery id: 1 to <see cref="MaxDeliveryIdLength"/> visible ASCII characters.</summary>
    public static bool IsDeliveryId(string? delivery) =>
        !string.IsNullOrEmpty(delivery) && delivery.Length <= MaxDeliveryIdLength && delivery.All(c => c is >= '!' and <= '~');
}
