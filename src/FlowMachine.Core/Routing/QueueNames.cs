using System.Text.RegularExpressions;

namespace FlowMachine.Routing;

/// <summary>Queue names: what a step's <c>queue</c>, a task type's default queue and a worker's <c>--queue</c> accept.</summary>
public static partial class QueueNames
{
    /// <summary>The queue of a step whose spec and task type name none.</summary>
    public const string Default = "default";

    /// <summary>Whether <paramref name="name"/> is a valid queue name: a lowercase letter or digit, then up to 63 of <c>a-z 0-9 _ . -</c>.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The error for an invalid queue name, or null when it is valid.</summary>
    public static string? Problem(string? name) => IsValid(name)
        ? null
        : $"'{name}' is not a valid queue name: use a lowercase letter or digit, then up to 63 of a-z, 0-9, _, . and - (for example gpu or team-a.batch)";

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
