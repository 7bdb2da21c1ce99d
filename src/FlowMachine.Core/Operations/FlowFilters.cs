using System.Globalization;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// The search filters of a flow list as a caller writes them (a query string, a command line, the
/// dashboard's search box), checked the same way on every surface. Names are the API's:
/// <c>tag</c>, <c>attr</c> (<c>name=value</c>), <c>createdAfter</c>, <c>createdBefore</c>, <c>error</c>.
/// </summary>
public static class FlowFilters
{
    /// <summary>The longest error text to search for.</summary>
    public const int MaxErrorTextLength = 200;

    /// <summary>The query parameters of <c>GET /api/v1/flows</c> that are not search filters.</summary>
    public static IReadOnlyList<string> ListParameters { get; } = ["state", "routine", "schedule", "key", "limit", "after"];

    /// <summary>The search filters' names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tag", "attr", "createdAfter", "createdBefore", "error"];

    /// <summary>
    /// <paramref name="query"/> with the given filters (null or empty ones are left out), or the name of
    /// the first one that is wrong and why.
    /// </summary>
    public static (FlowQuery Query, string? Field, string? Error) Apply(FlowQuery query, string? tag, string? attr, string? createdAfter, string? createdBefore, string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!string.IsNullOrEmpty(tag))
        {
            if (FlowTags.TagError(tag) is { } bad)
            {
                return (query, "tag", bad);
            }

            query = query with { Tag = tag };
        }

        if (!string.IsNullOrEmpty(attr))
        {
            var equals = attr.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                return (query, "attr", $"'{attr}' is not name=value");
            }

            var (name, value) = (attr[..equals], attr[(equals + 1)..]);
            if (TaskContext.AttributeNameError(name) is { } bad)
            {
                return (query, "attr", bad);
            }

            if (value.Length > TaskContext.MaxAttributeValueLength)
            {
                return (query, "attr", $"an attribute value is at most {TaskContext.MaxAttributeValueLength} characters long, not {value.Length}");
            }

            query = query with { Attribute = new(name, value) };
        }

        if (!TryTime(createdAfter, out var after))
        {
            return (query, "createdAfter", NotATime(createdAfter!));
        }

        if (!TryTime(createdBefore, out var before))
        {
            return (query, "createdBefore", NotATime(createdBefore!));
        }

        if (after is not null && before is not null && after >= before)
        {
            return (query, "createdBefore", "createdBefore is not after createdAfter");
        }

        if (error is { Length: > MaxErrorTextLength })
        {
            return (query, "error", $"the error text to find is at most {MaxErrorTextLength} characters long, not {error.Length}");
        }

        return (query with { CreatedAfter = after, CreatedBefore = before, Error = string.IsNullOrEmpty(error) ? null : error }, null, null);
    }

    /// <summary>Reads a time: ISO 8601, UTC unless it gives an offset (<c>2026-12-01</c>, <c>2026-12-01T08:00:00Z</c>).</summary>
    public static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static string NotATime(string text) => $"'{text}' is not a time; write it as ISO 8601, like 2026-12-01 or 2026-12-01T08:00:00Z";
}
