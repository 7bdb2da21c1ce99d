namespace FlowMachine.Specs;

/// <summary>The keys of concurrency and rate limits: context paths, and the bucket names their values give.</summary>
internal static class LimitKeys
{
    /// <summary>True for <c>$input</c>, <c>$data</c> and <c>$tasks.KEY.result</c> paths, as task params write them.</summary>
    public static bool IsPath(string key)
    {
        if (key.Length > 500)
        {
            return false;
        }

        return Rooted(key, "$input") || Rooted(key, "$data") || (key.StartsWith("$tasks.", StringComparison.Ordinal) && key.Contains(".result", StringComparison.Ordinal));

        static bool Rooted(string key, string root) =>
            key.StartsWith(root, StringComparison.Ordinal) && (key.Length == root.Length || key[root.Length] is '.' or '[');
    }

    /// <summary>The last name of a path (<c>customer</c> of <c>$input.customer</c>), which names its buckets.</summary>
    public static string NameOf(string path)
    {
        var end = path.Length;
        while (end > 0 && path[end - 1] == ']')
        {
            end = path.LastIndexOf('[', end - 1);
        }

        var start = path.LastIndexOfAny(['.', '$'], Math.Max(0, end - 1)) + 1;
        return end > start ? path[start..end] : path.TrimStart('$');
    }
}
