using System.Text.Json.Serialization;

namespace FlowMachine.Hooks;

/// <summary>The answer to rotating a hook's secret: the new secret, shown only here; the old one stops working at once.</summary>
/// <param name="Name">The hook's name.</param>
/// <param name="Secret">The new key that signs deliveries.</param>
/// <param name="Url">Where deliveries are posted.</param>
#pragma warning disable CA1054, CA1056 // a JSON read model: the URL is sent as the text clients get
public sealed record HookSecretDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("url")] string Url);
#pragma warning restore CA1054, CA1056
