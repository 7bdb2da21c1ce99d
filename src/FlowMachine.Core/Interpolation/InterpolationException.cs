namespace FlowMachine.Interpolation;

/// <summary>A <c>$</c> path in task params could not be resolved; the message names both paths.</summary>
public sealed class InterpolationException : Exception
{
    /// <summary>Creates the exception for a reference that could not be resolved.</summary>
    /// <param name="paramPath">Where in the params the reference is, e.g. <c>task_params.msg</c>.</param>
    /// <param name="reference">The reference as written, e.g. <c>$tasks.a.result.x</c>.</param>
    /// <param name="reason">Why it could not be resolved.</param>
    public InterpolationException(string paramPath, string reference, string reason)
        : base($"Cannot resolve '{reference}' in {paramPath}: {reason}")
    {
        ParamPath = paramPath;
        Reference = reference;
    }

    /// <summary>Creates the exception.</summary>
    public InterpolationException()
    {
    }

    /// <summary>Creates the exception from a message.</summary>
    public InterpolationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception from a message and cause.</summary>
    public InterpolationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Where in the params the failing reference is, e.g. <c>task_params.items[1]</c>.</summary>
    public string ParamPath { get; } = "";

    /// <summary>The reference that could not be resolved, as written.</summary>
    public string Reference { get; } = "";
}
