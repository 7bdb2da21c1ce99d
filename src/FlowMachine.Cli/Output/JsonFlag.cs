using System.CommandLine;

namespace FlowMachine.Cli.Output;

/// <summary>Creates the <c>--json</c> option of a verb that prints data.</summary>
internal static class JsonFlag
{
    public static Option<bool> Create() => new("--json")
    {
        Description = "Print JSON to stdout and nothing else (logs and progress go to stderr).",
    };
}
