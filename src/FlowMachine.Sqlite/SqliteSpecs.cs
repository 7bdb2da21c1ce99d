using System.Collections.Concurrent;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite;

/// <summary>
/// Specs live in their own table, addressed by a hash of their text, and the flow row holds only the hash.
/// SQLite rewrites a whole row on every update, so a large spec in the flow row would be written again at
/// every step; kept apart it is written once, and flows started from the same spec share one copy.
/// </summary>
internal static class SqliteSpecs
{
    private const int MaxCachedChars = 16 * 1024 * 1024;

    /// <summary>The key of a spec stored before schema 4, followed by its flow's id.</summary>
    private const string MigratedPrefix = "flow:";
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);
    private static long cachedChars;

    /// <summary>The key a spec is stored under (<see cref="SpecHash"/>).</summary>
    public static string Hash(string specJson) => SpecHash.Of(specJson);

    /// <summary>
    /// The spec stored under <paramref name="hash"/>. A key always names the same text, so a cached copy is
    /// never stale, whatever happened to the transaction that first read it.
    /// </summary>
    public static string Load(SqliteCommandCache db, string flowId, string hash)
    {
        if (Cache.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        var cmd = db.Get("SELECT spec_json FROM specs WHERE hash = @hash");
        SqliteQueries.Add(cmd, "@hash", hash);
        var spec = cmd.ExecuteScalar() as string
            ?? throw new InvalidDataException($"Flow '{flowId}' names spec '{hash}', which is missing from the database.");
        if (hash.StartsWith(MigratedPrefix, StringComparison.Ordinal))
        {
            return spec; // keyed by a flow id, not by content: another database may use the same key for another spec
        }

        if (Interlocked.Add(ref cachedChars, spec.Length) > MaxCachedChars)
        {
            // Inline specs are unbounded in number; start over rather than grow without end.
            Cache.Clear();
            Interlocked.Exchange(ref cachedChars, spec.Length);
        }

        Cache.TryAdd(hash, spec);
        return spec;
    }
}
