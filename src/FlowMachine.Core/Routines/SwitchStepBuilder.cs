using System.Text.Json.Nodes;

namespace FlowMachine.Routines;

/// <summary>
/// A <c>switch</c> step: its cases, tried in order, and its default. The steps it chooses between list it as
/// their precursor (<c>.After(theSwitch)</c>); the ones not chosen are skipped.
/// </summary>
public sealed class SwitchStepBuilder : StepBuilder
{
    internal SwitchStepBuilder(RoutineBuilder routine, string key, JsonObject parameters)
        : base(routine, key, "switch", parameters)
    {
    }

    /// <summary>Runs the step <paramref name="step"/> when the value equals <paramref name="when"/> (deep JSON equality).</summary>
    public SwitchStepBuilder Case(object? when, string step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        ((JsonArray)Params["cases"]!).Add(new JsonObject { ["when"] = SpecNodes.Value(when), ["goto"] = step });
        return this;
    }

    /// <summary>Runs the step <paramref name="step"/> when no case matches.</summary>
    public SwitchStepBuilder Default(string step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        Params["default"] = step;
        return this;
    }
}
