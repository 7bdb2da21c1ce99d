using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowMachine.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and bound by position, for the statements every
/// step runs. Binding by name through ADO.NET looks every parameter name up on every execution and
/// allocates a parameter object for each value; a step runs half a dozen such statements.
/// Every run ends by clearing the bindings, so a parameter not bound is NULL: a null value is not bound
/// at all (about half of a step's values are null, and each bind is a call into SQLite that takes its
/// connection mutex). A use given up half-way leaves values bound; <see cref="Unbound"/> clears them.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    // Text up to this many chars is bound as UTF-8 from a buffer on the stack (3 bytes a char at most, 768 in all).
    private const int MaxUtf8Chars = 256;

    private readonly sqlite3 db;
    private readonly sqlite3_stmt stmt;
    private readonly IntPtr handle; // the statement's own pointer, for SqliteNative's direct calls
    private readonly IntPtr dbHandle; // the connection's, likewise
    private bool bound; // values bound since the bindings were last cleared

    public SqliteStatement(sqlite3 db, string sql)
    {
        this.db = db;
        var rc = raw.sqlite3_prepare_v2(db, sql, out stmt);
        SqliteException.ThrowExceptionForRC(rc, db);
        handle = stmt.DangerousGetHandle();
        dbHandle = db.DangerousGetHandle();
    }

    /// <summary>This statement with no values bound (all parameters NULL), as every use starts.</summary>
    public SqliteStatement Unbound()
    {
        if (bound)
        {
            ClearBindings();
            bound = false;
        }

        return this;
    }

    /// <summary>
    /// Binds text. Short text goes in as UTF-8, the database's encoding: bound as UTF-16, SQLite kept it so and
    /// translated it (into memory of its own) whenever the statement stored or compared it, for every value
    /// of every run. Long text, the empty string and text that is not valid UTF-16 are bound as before.
    /// </summary>
    public SqliteStatement Text(int index, string? value)
    {
        if (value is null)
        {
            return this;
        }

        bound = true;
        if (value.Length is > 0 and <= MaxUtf8Chars)
        {
            Span<byte> utf8 = stackalloc byte[value.Length * 3]; // as long as the text needs: the stack is cleared first
            if (System.Text.Unicode.Utf8.FromUtf16(value, utf8, out _, out var written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done)
            {
                Check(BindUtf8(index, utf8[..written]));
                return this;
            }
        }

        Check(raw.sqlite3_bind_text16(stmt, index, value));
        return this;
    }

    /// <summary>Binds UTF-8 text (null when <paramref name="isNull"/>), with no string in between.</summary>
    public SqliteStatement Utf8(int index, ReadOnlySpan<byte> value, bool isNull)
    {
        if (!isNull)
        {
            bound = true;
            Check(BindUtf8(index, value));
        }

        return this;
    }

    public SqliteStatement Int(int index, long value)
    {
        bound = true;
        Check(BindInt64(index, value));
        return this;
    }

    public SqliteStatement Int(int index, long? value) => value is { } v ? Int(index, v) : this;

    /// <summary>Runs the statement to its end; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            Drain();
            return Changes();
        }
        finally
        {
            Reset();
            Unbound();
        }
    }

    /// <summary>Runs a query and returns the first column of its first row as an integer (null when no row or NULL).</summary>
    public long? ScalarInt()
    {
        Span<long?> first = stackalloc long?[1];
        return Row(first) ? first[0] : null;
    }

    /// <summary>Runs a query and reads the first row's integer columns into <paramref name="row"/> (null for NULL); false when no row.</summary>
    public bool Row(Span<long?> row)
    {
        try
        {
            var rc = Step();
            if (rc == raw.SQLITE_ROW)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = ColumnIsNull(i) ? null : ColumnInt64(i);
                }

                return true;
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return false;
        }
        finally
        {
            Reset();
            Unbound();
        }
    }

    /// <summary>Runs the statement to its end; returns the first column of every row as text.</summary>
    public List<string> Texts()
    {
        var list = new List<string>();
        try
        {
            int rc;
            while ((rc = Step()) == raw.SQLITE_ROW)
            {
                list.Add(raw.sqlite3_column_text(stmt, 0).utf8_to_string());
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return list;
        }
        finally
        {
            Reset();
            Unbound();
        }
    }

    public void Dispose() => stmt.Dispose();

    /// <summary>Steps the statement to its end (a row it returns is passed over).</summary>
    private void Drain()
    {
        int rc;
        while ((rc = Step()) == raw.SQLITE_ROW)
        {
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    // Through SqliteNative when its exports were found (the usual case), else through the bindings.
    private int Step() => SqliteNative.Available ? SqliteNative.Step(handle) : raw.sqlite3_step(stmt);

    private void Reset() => _ = SqliteNative.Available ? SqliteNative.Reset(handle) : raw.sqlite3_reset(stmt);

    private void ClearBindings() => _ = SqliteNative.Available ? SqliteNative.ClearBindings(handle) : raw.sqlite3_clear_bindings(stmt);

    private int Changes() => SqliteNative.Available ? SqliteNative.Changes(dbHandle) : raw.sqlite3_changes(db);

    private int BindInt64(int index, long value) =>
        SqliteNative.Available ? SqliteNative.BindInt64(handle, index, value) : raw.sqlite3_bind_int64(stmt, index, value);

    private int BindUtf8(int index, ReadOnlySpan<byte> utf8) =>
        SqliteNative.Available ? SqliteNative.BindText(handle, index, utf8) : raw.sqlite3_bind_text(stmt, index, utf8);

    private bool ColumnIsNull(int index) =>
        (SqliteNative.Available ? SqliteNative.ColumnType(handle, index) : raw.sqlite3_column_type(stmt, index)) == raw.SQLITE_NULL;

    private long ColumnInt64(int index) =>
        SqliteNative.Available ? SqliteNative.ColumnInt64(handle, index) : raw.sqlite3_column_int64(stmt, index);

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
