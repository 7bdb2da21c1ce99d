using FlowMachine.Routines;

namespace FlowMachine.Hosting;

/// <summary>The routines a host declared with <c>AddRoutine</c>, stored at start (a new version only when the spec changed).</summary>
internal sealed class DeclaredRoutines
{
    private readonly Dictionary<string, RoutineDefinition> byName = new(StringComparer.Ordinal);

    public void Add(RoutineDefinition routine) => byName[routine.Name] = routine;

    public IReadOnlyCollection<RoutineDefinition> All => byName.Values;
}
