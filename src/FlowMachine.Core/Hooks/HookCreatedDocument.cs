using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>
/// The answer to creating a hook: its document (every field of <see cref="HookDocument"/>, in the same order) and then
/// its secret, shown only here and by a rotation.
/// </summary>
public sealed record HookCreatedDocument : HookDocument
{
    private HookCreatedDocument(HookDocument hook, string secret)
        : base(hook) => Secret = secret;

    /// <summary>The key that signs deliveries (HMAC-SHA256 of the raw body); keep it: it is not shown again.</summary>
    [JsonPropertyName("secret")]
    [JsonPropertyOrder(1)] // after the hook's fields, as the answer has always been written
    public string Secret { get; init; }

    /// <summary>The document of a new hook with its secret.</summary>
    public static HookCreatedDocument Of(HookDocument hook, string secret)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(secret);
        return new(hook, secret);
    }

    /// <summary>The hook's document, without the secret.</summary>
    public HookDocument ToDocument() => new(Name, Action, Start, Event, Owner, CreatedAt, RotatedAt, Url);
}
