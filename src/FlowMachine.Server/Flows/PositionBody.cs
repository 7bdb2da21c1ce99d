namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/{id}/position</c>.</summary>
/// <param name="Position">The index of the step that runs next.</param>
internal sealed record PositionBody(int? Position);
