namespace FlowMachine.Client;

/// <summary>The routine version a save stored or found.</summary>
/// <param name="Name">The routine's name.</param>
/// <param name="Version">Its version now.</param>
/// <param name="NewVersion">True when the spec was new or changed and made this version; false when it was the current one.</param>
public sealed record RoutineSaveResult(string Name, int Version, bool NewVersion);
