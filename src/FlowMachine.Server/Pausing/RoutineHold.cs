namespace FlowMachine.Server.Pausing;

/// <summary>A routine after pause or resume.</summary>
/// <param name="Name">The routine.</param>
/// <param name="Paused">Whether it is paused now: its flows are stored but not run.</param>
/// <param name="Changed">False when it was so already.</param>
internal sealed record RoutineHold(string Name, bool Paused, bool Changed);
