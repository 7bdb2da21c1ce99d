using System.CommandLine;
using FlowMachine.Routing;

namespace FlowMachine.Cli.Commands.Worker;

/// <summary><c>--queue NAME</c> (repeatable) of <c>worker</c> and <c>serve</c>: the queues this process's worker serves.</summary>
internal static class QueueOption
{
    public static Option<string[]> Create() => new("--queue")
    {
        Description = "A queue this worker serves; repeat it for more (default: default). It runs only steps on these queues, of the task types it has.",
        HelpName = "NAME",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The queues given, each checked; empty when none was given.</summary>
    /// <exception cref="UsageException">A name is not a valid queue name.</exception>
    public static IReadOnlyList<string> Read(ParseResult parse, Option<string[]> option)
    {
        var queues = parse.GetValue(option) ?? [];
        foreach (var queue in queues)
        {
            if (QueueNames.Problem(queue) is { } problem)
            {
                throw new UsageException($"--queue: {problem}.");
            }
        }

        return [.. queues.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>For banners: the queues, or <c>default</c>.</summary>
    public static string Describe(IReadOnlyList<string> queues) => queues.Count == 0 ? QueueNames.Default : string.Join(", ", queues);
}
