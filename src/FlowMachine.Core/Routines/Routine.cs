using FlowMachine.Operations;

namespace FlowMachine.Routines;

/// <summary>
/// Routines written in C#: <c>Routine.Define("checkout").Step&lt;Charge&gt;("charge", new { order = Ref.Input("order") }).Step&lt;Ship&gt;("ship").Build()</c>
/// gives the same validated spec as the YAML with those steps, to store with <c>AddRoutine</c> or print.
/// </summary>
public static class Routine
{
    /// <summary>Starts a routine named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name breaks the routine naming rule.</exception>
    public static RoutineBuilder Define(string name) =>
        RoutineNames.Problem(name) is { } problem ? throw new ArgumentException(problem, nameof(name)) : new RoutineBuilder(name);
}
