using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FlowMachine.Users;

/// <summary>
/// API keys: 32 random bytes shown once as <c>fm_&lt;base64url&gt;</c>; only the SHA-256 hash is stored.
/// </summary>
public static class ApiKey
{
    /// <summary>What every key starts with, so a leaked key is easy to recognise.</summary>
    public const string Marker = "fm_";

    /// <summary>How many characters of a key are kept as its display prefix.</summary>
    public const int PrefixLength = 8;

    /// <summary>Makes a new random key.</summary>
    public static string Generate() => Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The SHA-256 hash of the key text, as stored.</summary>
    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>The display prefix of a key.</summary>
    public static string Prefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= PrefixLength ? key : key[..PrefixLength];
    }

    /// <summary>Compares two hashes in constant time, so timing tells an attacker nothing.</summary>
    public static bool HashesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
