namespace FlowMachine.Storage;

/// <summary>The limits of a flow's tags and the checks every surface and store share.</summary>
public static class FlowTags
{
    /// <summary>The longest tag (characters).</summary>
    public const int MaxLength = 64;

    /// <summary>How many tags one flow may have.</summary>
    public const int MaxCount = 16;

    /// <summary>A flow without attributes.</summary>
    public static IReadOnlyDictionary<string, string> NoAttributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly();

    /// <summary>Why <paramref name="tag"/> is not a valid tag, or null when it is.</summary>
    public static string? TagError(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return "a tag is not empty";
        }

        if (tag.Length > MaxLength)
        {
            return $"tag '{tag[..16]}...' is {tag.Length} characters long, more than the limit of {MaxLength}";
        }

        return tag.Any(char.IsControl) ? $"tag '{tag}' holds a control character" : null;
    }

    /// <summary>The tags of both lists, each once, in ordinal order (as every store reads them back); or why they cannot be a flow's tags.</summary>
    public static (IReadOnlyList<string> Tags, string? Error) Combine(IEnumerable<string>? first, IEnumerable<string>? second)
    {
        var tags = new List<string>();
        foreach (var tag in (first ?? []).Concat(second ?? []))
        {
            if (TagError(tag) is { } error)
            {
                return ([], error);
            }

            if (!tags.Contains(tag, StringComparer.Ordinal))
            {
                tags.Add(tag);
            }
        }

        tags.Sort(StringComparer.Ordinal);
        return tags.Count > MaxCount
            ? ([], $"a flow has at most {MaxCount} tags, not {tags.Count}")
            : (tags, null);
    }

    /// <summary>The attributes of <paramref name="stored"/> with <paramref name="changes"/> added or replacing.</summary>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> stored, IReadOnlyDictionary<string, string> changes)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return stored;
        }

        var merged = new Dictionary<string, string>(stored, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            merged[name] = value;
        }

        return merged.AsReadOnly();
    }
}
