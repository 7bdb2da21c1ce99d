namespace FlowMachine.Server.Pausing;

/// <summary>A flow after suspend or resume.</summary>
/// <param name="FlowId">The flow.</param>
/// <param name="State">Its state (suspension does not change it).</param>
/// <param name="Suspended">Whether it is suspended now.</param>
/// <param name="Changed">False when it was so already.</param>
internal sealed record FlowHold(string FlowId, string State, bool Suspended, bool Changed);
