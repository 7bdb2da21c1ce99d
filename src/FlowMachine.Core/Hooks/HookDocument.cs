using System.Text.Json;
using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Hooks;

/// <summary>A webhook as the API shows it (without its secret but in <see cref="HookCreatedDocument"/>, the answer to creating it).</summary>
/// <param name="Name">The hook's name.</param>
/// <param name="Action"><c>start</c> or <c>event</c>.</param>
/// <param name="Start">The start action, or null.</param>
/// <param name="Event">The event action, or null.</param>
/// <param name="Owner">The user who created it: owns the flows it starts; its events reach that user's flows (an administrator's: every flow).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RotatedAt">When its secret was last replaced, or null.</param>
/// <param name="Url">Where deliveries are posted.</param>
#pragma warning disable CA1054, CA1056 // a JSON read model: the URL is sent as the text clients get
public record HookDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("start")] HookStart? Start,
    [property: JsonPropertyName("event")] HookEvent? Event,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("rotatedAt")] DateTimeOffset? RotatedAt,
    [property: JsonPropertyName("url")] string Url)
{
    /// <summary>The document of <paramref name="hook"/>, delivered to <paramref name="url"/>.</summary>
    public static HookDocument Of(HookRecord hook, string url)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var action = HookAction.Parse(hook.ActionJson);
        return new(hook.Name, action.Start is null ? "event" : "start", action.Start, action.Event, hook.Owner, hook.CreatedAt, hook.RotatedAt, url);
    }
}

#pragma warning restore CA1054, CA1056

/// <summary>What a hook does, as stored in <see cref="HookRecord.ActionJson"/>: exactly one of the two.</summary>
internal sealed record HookAction(
    [property: JsonPropertyName("start"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HookStart? Start,
    [property: JsonPropertyName("event"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HookEvent? Event)
{
    public static HookAction Parse(string json) => JsonSerializer.Deserialize<HookAction>(json) ?? throw new InvalidOperationException("A stored hook has no action.");

    public string ToJson() => JsonSerializer.Serialize(this);
}
