using System.CommandLine;
using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary>The search filters of <c>flows list</c>: <c>--tag</c>, <c>--attr</c>, <c>--created-after</c>, <c>--created-before</c>, <c>--error</c>.</summary>
internal sealed class FlowsSearchOptions
{
    private readonly Option<string?> tag = new("--tag") { Description = "Only flows with this tag.", HelpName = "TAG" };
    private readonly Option<string?> attr = new("--attr") { Description = "Only flows whose attribute NAME has this VALUE.", HelpName = "NAME=VALUE" };
    private readonly Option<string?> createdAfter = new("--created-after") { Description = "Only flows created at or after this time (ISO 8601, UTC unless it says).", HelpName = "TIME" };
    private readonly Option<string?> createdBefore = new("--created-before") { Description = "Only flows created before this time (ISO 8601, UTC unless it says).", HelpName = "TIME" };
    private readonly Option<string?> error = new("--error") { Description = "Only flows whose error holds this text (case ignored).", HelpName = "TEXT" };

    public void AddTo(Command command)
    {
        command.Options.Add(tag);
        command.Options.Add(attr);
        command.Options.Add(createdAfter);
        command.Options.Add(createdBefore);
        command.Options.Add(error);
    }

    /// <summary><paramref name="query"/> with the filters given.</summary>
    /// <exception cref="UsageException">A filter is wrong; the message names its flag.</exception>
    public FlowQuery Apply(ParseResult parse, FlowQuery query)
    {
        var (filtered, field, message) = FlowFilters.Apply(
            query, parse.GetValue(tag), parse.GetValue(attr), parse.GetValue(createdAfter), parse.GetValue(createdBefore), parse.GetValue(error));
        if (field is null)
        {
            return filtered;
        }

        throw Refusal(field, message!);
    }

    /// <summary>The usage error for a wrong filter, naming its flag (the API's names in the message become flags too).</summary>
    public static UsageException Refusal(string field, string message) =>
        new($"{Flag(field)}: {message.Replace("createdBefore", "--created-before", StringComparison.Ordinal).Replace("createdAfter", "--created-after", StringComparison.Ordinal)}.");

    private static string Flag(string field) => field switch
    {
        "createdAfter" => "--created-after",
        "createdBefore" => "--created-before",
        _ => "--" + field,
    };
}
