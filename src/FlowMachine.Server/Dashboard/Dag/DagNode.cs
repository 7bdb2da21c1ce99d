namespace FlowMachine.Server.Dashboard.Dag;

/// <summary>A step placed in the picture: its layer (column) and its row within the layer.</summary>
internal sealed record DagNode(string Key, string TaskType, IReadOnlyList<string> Precursors, int Layer, int Row);
