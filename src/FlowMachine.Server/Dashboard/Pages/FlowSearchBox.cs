using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>
/// The flows page's search box: words such as <c>tag:vip customer=42 after:2026-12-01 before:2026-12-02</c>;
/// the other words together are text to find in the error (<c>gateway timeout</c>).
/// </summary>
internal static class FlowSearchBox
{
    public const string Hint = "tag:vip customer=42 after:2026-12-01 before:2026-12-02 error text";

    /// <summary><paramref name="query"/> with the search's filters, or what is wrong with it.</summary>
    public static (FlowQuery Query, string? Problem) Apply(FlowQuery query, string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return (query, null);
        }

        string? tag = null, attr = null, after = null, before = null;
        var words = new List<string>();
        foreach (var word in search.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word.StartsWith("tag:", StringComparison.OrdinalIgnoreCase))
            {
                tag = word[4..];
            }
            else if (word.StartsWith("after:", StringComparison.OrdinalIgnoreCase))
            {
                after = word[6..];
            }
            else if (word.StartsWith("before:", StringComparison.OrdinalIgnoreCase))
            {
                before = word[7..];
            }
            else if (word.Contains('=', StringComparison.Ordinal))
            {
                attr = word;
            }
            else
            {
                words.Add(word);
            }
        }

        var (filtered, field, error) = FlowFilters.Apply(query, tag, attr, after, before, words.Count == 0 ? null : string.Join(' ', words));
        if (field is null)
        {
            return (filtered, null);
        }

        var term = field switch
        {
            "tag" => "tag:",
            "attr" => "name=value",
            "createdAfter" => "after:",
            "createdBefore" => "before:",
            _ => "the error text",
        };
        return (query, $"Search: {term} {error}.");
    }
}
