namespace FlowMachine.Operations;

/// <summary>
/// The one rule for routine names: 1 to <see cref="InputLimits.MaxRoutineNameLength"/> letters, digits,
/// '.', '_' and '-', not ending like a spec file, so that <c>run NAME</c> can tell a routine from a file.
/// </summary>
public static class RoutineNames
{
    /// <summary>What a name that breaks the rule is told.</summary>
    public static readonly string Rule =
        $"a routine name has 1 to {InputLimits.MaxRoutineNameLength} letters, digits, '.', '_' and '-', and does not end in .json, .yaml or .yml";

    /// <summary>What a missing name is told.</summary>
    public const string Missing = "a routine needs a name";

    private static readonly string[] FileEndings = [".json", ".yaml", ".yml"];

    /// <summary>Why <paramref name="name"/> is not a routine name, or null when it is one.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Missing;
        }

        return name.Length > InputLimits.MaxRoutineNameLength
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            || FileEndings.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            ? Rule
            : null;
    }
}
