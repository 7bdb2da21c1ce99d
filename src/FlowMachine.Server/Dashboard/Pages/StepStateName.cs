using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// A step's state as the dashboard shows it: a step waiting for the children it spawned is SPAWNED (violet, as
/// in the legend and docs), not WAITING (amber); the store keeps it WAITING with its spawn record.
/// </summary>
internal static class StepStateName
{
    public const string Spawned = "SPAWNED";

    public static string Of(StepRecord step) => step.State == StepState.Waiting && step.Spawn is not null ? Spawned : step.State.ToName();

    /// <summary>The legend: every step state, with SPAWNED after WAITING.</summary>
    public static IEnumerable<string> Legend() =>
        Enum.GetValues<StepState>().SelectMany(s => s == StepState.Waiting ? [s.ToName(), Spawned] : new[] { s.ToName() });
}
