namespace FlowMachine.Storage;

/// <summary>What one retention batch did.</summary>
/// <param name="Examined">Top-level flows the batch looked at; fewer than the batch size means nothing more matched.</param>
/// <param name="Deleted">Top-level flows deleted (each with its children).</param>
/// <param name="Children">Child flows deleted with them.</param>
public sealed record RetentionBatch(int Examined, int Deleted, int Children);
