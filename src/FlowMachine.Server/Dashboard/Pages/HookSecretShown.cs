namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>A hook's secret to show once, on the answer to the form that made it (never in a URL, never again).</summary>
/// <param name="Name">The hook's name.</param>
/// <param name="Secret">The secret that signs deliveries.</param>
/// <param name="Url">Where deliveries are posted.</param>
/// <param name="Rotated">Whether it replaces an older secret (a rotation) rather than belonging to a new hook.</param>
internal sealed record HookSecretShown(string Name, string Secret, string Url, bool Rotated);
