namespace FlowMachine.Operations;

/// <summary>Why a routine was not saved.</summary>
public enum SaveRoutineError
{
    /// <summary>Saved: no error.</summary>
    None,

    /// <summary>The name breaks <see cref="RoutineNames"/>' rule (field <c>name</c>).</summary>
    Name,

    /// <summary>No spec was given (field <c>spec</c>).</summary>
    MissingSpec,

    /// <summary>The spec does not compile or breaks the configured limits (field <c>spec</c>, see the spec errors).</summary>
    InvalidSpec,
}
