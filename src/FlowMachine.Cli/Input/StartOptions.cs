using System.CommandLine;
using FlowMachine.Cli.Hosting;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Input;

/// <summary>The arguments of verbs that start a flow: SPEC, <c>--input</c>, <c>--input-json</c>, <c>--key</c>, <c>--tag</c>, <c>--priority</c>, <c>--as</c>.</summary>
internal sealed class StartOptions
{
    public Argument<string> Spec { get; } = new("SPEC")
    {
        Description = "A spec file (JSON or YAML), or the name of a stored routine when no such file exists.",
    };

    public Option<string[]> Input { get; } = CreateInputOption();

    public Option<string?> InputJson { get; } = new("--input-json")
    {
        Description = "The whole input as JSON; --input pairs are merged into it.",
        HelpName = "JSON",
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "A unique key: a second start with the same key returns the first flow.",
        HelpName = "KEY",
    };

    public Option<string?> As { get; } = LocalOwner.CreateOption();

    public Option<string[]> Tag { get; } = new("--tag")
    {
        Description = "A tag for the flow (find it with flows list --tag); repeatable.",
        HelpName = "TAG",
    };

    public Option<int?> Priority { get; } = new("--priority")
    {
        Description = $"The flow's priority, from {FlowPriority.Min} to {FlowPriority.Max} (default: the spec's cfg.priority, else 0): workers take due flows of a higher one first.",
        HelpName = "N",
    };

    /// <summary>The <c>--input key=value</c> option, also of verbs that store an input (<c>schedules add</c>).</summary>
    public static Option<string[]> CreateInputOption() => new("--input", "-i")
    {
        Description = "An input value as key=value (JSON when it parses, else a string; a.b=1 nests); repeatable.",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.OneOrMore,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(As);
        command.Arguments.Add(Spec);
        command.Options.Add(Input);
        command.Options.Add(InputJson);
        command.Options.Add(Key);
        command.Options.Add(Tag);
        command.Options.Add(Priority);
    }

    /// <exception cref="UsageException">The input or the SPEC is wrong.</exception>
    public StartFlowRequest Read(ParseResult parse)
    {
        var input = InputParser.Parse(parse.GetValue(Input) ?? [], parse.GetValue(InputJson));
        var tags = parse.GetValue(Tag) ?? [];
        if (FlowTags.Combine(tags, null).Error is { } error)
        {
            throw new UsageException($"--tag: {error}.");
        }

        var priority = parse.GetValue(Priority);
        if (priority is { } given && FlowPriority.Error(given) is { } badPriority)
        {
            throw new UsageException($"--priority: {badPriority}.");
        }

        var request = SpecSource.Resolve(parse.GetRequiredValue(Spec), input, parse.GetValue(Key)) with { Priority = priority };
        return tags.Length == 0 ? request : request with { Tags = tags };
    }
}
