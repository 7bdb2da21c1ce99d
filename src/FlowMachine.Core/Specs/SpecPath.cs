using System.Text.Json;

namespace FlowMachine.Specs;

/// <summary>Builds error paths such as <c>tasks[2].precursors[0]</c>; the document root is <c>$</c>.</summary>
internal static class SpecPath
{
    public const string Root = "$";

    /// <summary>A property path; names that would not read as a plain segment are quoted, as in <c>data["a b"]</c>.</summary>
    public static string Child(string parent, string name)
    {
        if (!IsPlain(name))
        {
            return parent + "[" + JsonSerializer.Serialize(name) + "]";
        }

        return parent == Root ? name : parent + "." + name;
    }

    public static string Index(string parent, int index) => parent + "[" + index + "]";

    private static bool IsPlain(string name)
    {
        if (name.Length == 0 || name.Length > 100)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-' or '#'))
            {
                return false;
            }
        }

        return true;
    }
}
