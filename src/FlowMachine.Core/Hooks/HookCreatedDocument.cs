using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>The answer to creating a hook: its document and its secret, shown only here and by a rotation.</summary>
/// <param name="Name">The hook's name.</param>
/// <param name="Action"><c>start</c> or <c>event</c>.</param>
/// <param name="Start">The start action, or null.</param>
/// <param name="Event">The event action, or null.</param>
/// <param name="Owner">The user who created it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RotatedAt">When its secret was last replaced: null for a new hook.</param>
/// <param name="Url">Where deliveries are posted.</param>
/// <param name="Secret">The key that signs deliveries (HMAC-SHA256 of the raw body); keep it: it is not shown again.</param>
#pragma warning disable CA1054, CA1056 // a JSON read model: the URL is sent as the text clients get
public sealed record HookCreatedDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("start")] HookStart? Start,
    [property: JsonPropertyName("event")] HookEvent? Event,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("rotatedAt")] DateTimeOffset? RotatedAt,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("secret")] string Secret)
{
    /// <summary>The document of a new hook with its secret.</summary>
    public static HookCreatedDocument Of(HookDocument hook, string secret)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return new(hook.Name, hook.Action, hook.Start, hook.Event, hook.Owner, hook.CreatedAt, hook.RotatedAt, hook.Url, secret);
    }

    /// <summary>The hook's document, without the secret.</summary>
    public HookDocument ToDocument() => new(Name, Action, Start, Event, Owner, CreatedAt, RotatedAt, Url);
}
#pragma warning restore CA1054, CA1056
