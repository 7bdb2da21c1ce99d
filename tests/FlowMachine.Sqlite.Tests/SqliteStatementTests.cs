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

    [Theory]
    [InlineData("flow-1")]
    [InlineData("grüße, 日本語, emoji 🚀")]
    [InlineData("a\uD800b")] // a lone surrogate: not valid UTF-16, bound as UTF-16 and converted by SQLite as always
    [InlineData("b\uDC00")]
    public void Text_is_stored_in_the_bytes_sqlite_stores_for_it_bound_as_utf16(string value)
    {
        using var db = Memory();
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, 1)").Text(1, value).Execute();
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(db.Connection.Handle, "INSERT INTO t (v, n) VALUES (?1, 2)", out var utf16);
        Assert.Equal(SQLitePCL.raw.SQLITE_OK, rc);
        using (utf16)
        {
            Assert.Equal(SQLitePCL.raw.SQLITE_OK, SQLitePCL.raw.sqlite3_bind_text16(utf16, 1, value));
            Assert.Equal(SQLitePCL.raw.SQLITE_DONE, SQLitePCL.raw.sqlite3_step(utf16));
        }

        using var read = db.Connection.CreateCommand();
        read.CommandText = "SELECT hex(v) FROM t ORDER BY n";
        using var r = read.ExecuteReader();
        Assert.True(r.Read());
        var mine = r.GetString(0);
        Assert.True(r.Read());
        Assert.Equal(r.GetString(0), mine);
        Assert.NotEmpty(mine);
    }

    [Fact]
    public void A_null_after_a_value_is_stored_as_null()
    {
        // Nulls are not bound: the run before must leave no value behind.
        using var db = Memory();
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Text(1, "first").Int(2, 7).Execute();
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Text(1, null).Int(2, (long?)null).Execute();
        Assert.Equal(["text integer", "null null"], Rows(db.Connection));
    }

    [Fact]
    public void A_use_given_up_half_way_leaves_no_value_for_the_next()
    {
        using var db = Memory();
        Assert.Throws<SqliteException>(() => db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Text(1, "left").Int(3, 1));
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Int(2, 2).Execute();
        Assert.Equal(["null integer"], Rows(db.Connection));
    }

    [Fact]
    public void The_statements_call_sqlite_directly_where_it_ships_with_the_store()
    {
        // The bundled SQLite exports its functions: the hot calls skip the bindings (else every test here
        // would pass through the bindings' path alone).
        Assert.True(SqliteNative.Available);
    }

    [Fact]
    public void Empty_utf8_is_stored_as_empty_text_and_not_as_null()
    {
        using var db = Memory();
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Utf8(1, ReadOnlySpan<byte>.Empty, isNull: false).Int(2, 1).Execute();
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Utf8(1, "é"u8, isNull: false).Int(2, 2).Execute();
        db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Utf8(1, "x"u8, isNull: true).Int(2, 3).Execute();
        Assert.Equal(["text integer", "text integer", "null integer"], Rows(db.Connection));
        Assert.Equal(["", "é"], db.Prepared("SELECT v FROM t WHERE v IS NOT NULL ORDER BY n").Texts());
    }

    [Fact]
    public void A_row_reads_integers_and_nulls_and_execute_counts_the_rows_changed()
    {
        using var db = Memory();
        Assert.Equal(1, db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Text(1, "a").Int(2, long.MaxValue).Execute());
        Assert.Equal(1, db.Prepared("INSERT INTO t (v, n) VALUES (?1, ?2)").Text(1, "b").Execute());
        Assert.Equal(2, db.Prepared("UPDATE t SET v = v || '!'").Execute());
        Span<long?> row = stackalloc long?[3];
        Assert.True(db.Prepared("SELECT n, NULL, -5 FROM t WHERE v = ?1").Text(1, "a!").Row(row));
        Assert.Equal([long.MaxValue, null, -5L], row.ToArray());
        Assert.True(db.Prepared("SELECT n, 1, 2 FROM t WHERE v = ?1").Text(1, "b!").Row(row));
        Assert.Equal([null, 1L, 2L], row.ToArray());
        Assert.False(db.Prepared("SELECT n FROM t WHERE v = ?1").Text(1, "none").Row(row[..1]));
        Assert.Null(db.Prepared("SELECT n FROM t WHERE v = ?1").Text(1, "none").ScalarInt());
    }

    private static SqliteCommandCache Memory()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var db = new SqliteCommandCache(connection); // disposes the connection with it
        db.Execute("CREATE TABLE t (v TEXT, n INTEGER)");
        return db;
    }

    private static List<string> Rows(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT typeof(v) || ' ' || typeof(n) FROM t ORDER BY rowid";
        using var r = read.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            rows.Add(r.GetString(0));
        }

        return rows;
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
