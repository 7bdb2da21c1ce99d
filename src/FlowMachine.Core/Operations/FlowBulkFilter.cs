using System.Globalization;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// The filter of a bulk action as a caller writes it (the API body's <c>filter</c>, the CLI's options, the
/// dashboard's view), checked the same way on every surface.
/// </summary>
/// <param name="State">A flow state name.</param>
/// <param name="Routine">A stored routine's name.</param>
/// <param name="Version">A stored routine's version (1 or more).</param>
/// <param name="Tag">A tag.</param>
/// <param name="CreatedAfter">An ISO 8601 time.</param>
/// <param name="CreatedBefore">An ISO 8601 time.</param>
/// <param name="Error">Text the flow's error holds.</param>
public sealed record FlowBulkFilter(
    string? State = null,
    string? Routine = null,
    string? Version = null,
    string? Tag = null,
    string? CreatedAfter = null,
    string? CreatedBefore = null,
    string? Error = null)
{
    /// <summary>The filter's field names, as the API body writes them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["state", "routine", "version", "tag", "createdAfter", "createdBefore", "error"];

    /// <summary>The flow query the filter stands for, or the name of the first field that is wrong and why.</summary>
    public (FlowQuery Query, string? Field, string? Message) ToQuery()
    {
        var query = new FlowQuery { Routine = string.IsNullOrEmpty(Routine) ? null : Routine };
        if (!string.IsNullOrEmpty(State))
        {
            if (!StateNames.TryParseFlowState(State, out var state))
            {
                return (query, "state", $"'{State}' is not a flow state; use one of {string.Join(", ", Enum.GetValues<FlowState>().Select(s => s.ToName()))}");
            }

            query = query with { State = state };
        }

        if (!string.IsNullOrEmpty(Version))
        {
            if (!int.TryParse(Version, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                return (query, "version", $"'{Version}' is not a routine version; a version is a whole number, 1 or more");
            }

            if (query.Routine is null)
            {
                return (query, "version", "a version applies to one stored routine: give the routine too");
            }

            query = query with { Version = version };
        }

        var (applied, field, message) = FlowFilters.Apply(query, Tag, attr: null, CreatedAfter, CreatedBefore, Error);
        return (applied, field, message);
    }
}
