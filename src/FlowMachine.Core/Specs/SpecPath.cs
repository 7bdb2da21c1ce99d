namespace FlowMachine.Specs;

/// <summary>Builds error paths such as <c>tasks[2].precursors[0]</c>; the document root is <c>$</c>.</summary>
internal static class SpecPath
{
    public const string Root = "$";

    public static string Child(string parent, string name) => parent == Root ? name : parent + "." + name;

    public static string Index(string parent, int index) => parent + "[" + index + "]";
}
