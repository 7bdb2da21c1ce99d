using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowMachine.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and bound by position, for the statements every
/// step runs. Binding by name through ADO.NET looks every parameter name up on every execution and
/// allocates a parameter object for each value; a step runs half a dozen such statements.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt stmt;

    public SqliteStatement(sqlite3 db, string sql)
    {
        this.db = db;
        var rc = raw.sqlite3_prepare_v2(db, sql, out stmt);
        SqliteException.ThrowExceptionForRC(rc, db);
    }

    public SqliteStatement Text(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(stmt, index) : raw.sqlite3_bind_text16(stmt, index, value));
        return this;
    }

    /// <summary>Binds UTF-8 text (null when <paramref name="isNull"/>), with no string in between.</summary>
    public SqliteStatement Utf8(int index, ReadOnlySpan<byte> value, bool isNull)
    {
        Check(isNull ? raw.sqlite3_bind_null(stmt, index) : raw.sqlite3_bind_text(stmt, index, value));
        return this;
    }

    public SqliteStatement Int(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(stmt, index, value));
        return this;
    }

    public SqliteStatement Int(int index, long? value)
    {
        Check(value is { } v ? raw.sqlite3_bind_int64(stmt, index, v) : raw.sqlite3_bind_null(stmt, index));
        return this;
    }

    /// <summary>Runs the statement to its end; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return raw.sqlite3_changes(db);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    /// <summary>Runs a query and returns the first column of its first row as an integer (null when no row or NULL).</summary>
    public long? ScalarInt()
    {
        try
        {
            var rc = raw.sqlite3_step(stmt);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_type(stmt, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(stmt, 0);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return null;
        }
        finally
        {
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    /// <summary>Runs a query and reads the first row's integer columns into <paramref name="row"/> (null for NULL); false when no row.</summary>
    public bool Row(Span<long?> row)
    {
        try
        {
            var rc = raw.sqlite3_step(stmt);
            if (rc == raw.SQLITE_ROW)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = raw.sqlite3_column_type(stmt, i) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(stmt, i);
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
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    /// <summary>Runs the statement to its end; returns the first column of every row as text.</summary>
    public List<string> Texts()
    {
        var list = new List<string>();
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
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
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    public void Dispose() => stmt.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
