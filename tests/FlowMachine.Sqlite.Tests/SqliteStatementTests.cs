using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite.Tests;

/// <summary>Text bound by position comes back exactly as given: empty, long, and beyond ASCII.</summary>
public sealed class SqliteStatementTests
{
    [Theory]
    [InlineData("")]
    [InlineData("flow-1")]
    [InlineData("grüße, 日本語, emoji 🚀")]
    [InlineData(null)]
    public void Text_is_stored_as_given(string? value) => Assert.Equal(value, RoundTrip(value));

    [Fact]
    public void Text_longer_than_the_stack_buffer_is_stored_whole()
    {
        var value = string.Concat(Enumerable.Repeat("ä€x", 2_000));
        Assert.Equal(value, RoundTrip(value));
    }

    private static string? RoundTrip(string? value)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var db = new SqliteCommandCache(connection);
        db.Execute("CREATE TABLE t (v TEXT)");
        db.Prepared("INSERT INTO t (v) VALUES (?1)").Text(1, value).Execute();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT v, typeof(v) FROM t";
        using var r = read.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(value is null ? "null" : "text", r.GetString(1));
        return r.IsDBNull(0) ? null : r.GetString(0);
    }
}
