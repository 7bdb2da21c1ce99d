using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// One connection and its commands, one per SQL text, kept for reuse: Microsoft.Data.Sqlite keeps a
/// command's prepared statement between executions, so the hot statements are compiled once.
/// Not thread-safe; the owner uses it from one thread at a time.
/// </summary>
internal sealed class SqliteCommandCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteStatement> statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteStatement> byReference = new(ReferenceEqualityComparer.Instance);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>The cached command for <paramref name="sql"/>, with its parameters cleared.</summary>
    public SqliteCommand Get(string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>The prepared statement for <paramref name="sql"/> (parameters <c>?1</c>, <c>?2</c>, ...), bound by position, with no value bound.</summary>
    public SqliteStatement Prepared(string sql)
    {
        // The SQL of the hot statements is a constant: found by reference, its long text is neither
        // hashed nor compared on every execution.
        if (byReference.TryGetValue(sql, out var statement))
        {
            return statement.Unbound();
        }

        if (!statements.TryGetValue(sql, out statement))
        {
            statement = new SqliteStatement(Connection.Handle!, sql);
            statements.Add(sql, statement);
        }

        if (ReferenceEquals(string.IsInterned(sql), sql))
        {
            byReference[sql] = statement; // literals only, so this stays as small as the code's set of statements
        }

        return statement.Unbound();
    }

    /// <summary>Runs a statement that is not worth caching (schema, pragmas).</summary>
    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }

        commands.Clear();
        foreach (var statement in statements.Values)
        {
            statement.Dispose();
        }

        statements.Clear();
        Connection.Dispose();
    }
}
