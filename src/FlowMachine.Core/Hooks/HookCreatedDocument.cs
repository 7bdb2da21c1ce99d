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

    /// <summary>A created hook's document read back from JSON (as the typed client does).</summary>
    [JsonConstructor]
#pragma warning disable CA1054 // a JSON read model: the URL is the text clients get
    public HookCreatedDocument(string name, string action, HookStart? start, HookEvent? @event, string owner, DateTimeOffset createdAt, DateTimeOffset? rotatedAt, string url, string secret)
        : base(name, action, start, @event, owner, createdAt, rotatedAt, url) => Secret = secret;
#pragma warning restore CA1054

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
