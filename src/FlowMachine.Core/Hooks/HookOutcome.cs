namespace FlowMachine.Hooks;

/// <summary>How a hook verb ended.</summary>
public enum HookOutcome
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>The input is wrong: <see cref="HookResult.Field"/> and <see cref="HookResult.Problem"/> say how.</summary>
    Invalid,

    /// <summary>No such hook, or one the caller may not see.</summary>
    NotFound,

    /// <summary>The name is taken.</summary>
    Conflict,
}
