using System.Runtime.InteropServices;
using SQLitePCL;

namespace FlowMachine.Sqlite;

/// <summary>
/// The few SQLite functions a step's statements call dozens of times (binding, stepping, reading a column),
/// called straight through the native library's exports with the statement's raw pointer. Through the
/// bindings each call checks and counts the statement's handle in and out, and goes through an interface
/// and a marshalling stub; a step makes about fifty such calls on the writer thread, the thread that sets
/// SQLite's pace. The binds and column reads are short and never call back into .NET, so they also skip
/// the runtime's transition out of managed code; stepping and resetting, which do I/O, keep it.
/// <para>
/// The exports are looked up in the native library the bindings themselves use (by its name, through the same
/// search path); when that fails (another provider, a platform that hides exports), <see cref="Available"/>
/// is false and <see cref="SqliteStatement"/> goes through the bindings as before.
/// </para>
/// </summary>
internal static unsafe class SqliteNative
{
    public static readonly bool Available;

    // SQLITE_TRANSIENT: SQLite copies the value before the bind returns.
    private static readonly IntPtr Transient = new(-1);

    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long, int> BindInt64Fn;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int> BindTextFn;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int> ClearBindingsFn;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int> ColumnTypeFn;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long> ColumnInt64Fn;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int> ChangesFn;
    private static readonly delegate* unmanaged[Cdecl]<IntPtr, int> StepFn;
    private static readonly delegate* unmanaged[Cdecl]<IntPtr, int> ResetFn;

#pragma warning disable CA1810 // the exports are found together, or none is used
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever keeps the exports from being found leaves the bindings' calls in use.")]
    static SqliteNative()
#pragma warning restore CA1810
    {
        try
        {
            // The bindings learn their provider when the first connection type is touched; make sure it has been.
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Microsoft.Data.Sqlite.SqliteConnection).TypeHandle);
            var name = raw.GetNativeLibraryName();
            if (string.IsNullOrEmpty(name) || !NativeLibrary.TryLoad(name, typeof(SqliteNative).Assembly, null, out var library))
            {
                return;
            }

            // The same library as the bindings', or nothing: its version must be theirs.
            if (!TryExport(library, "sqlite3_libversion_number", out var version)
                || ((delegate* unmanaged[Cdecl]<int>)version)() != raw.sqlite3_libversion_number())
            {
                return;
            }

            if (TryExport(library, "sqlite3_bind_int64", out var bindInt64)
                && TryExport(library, "sqlite3_bind_text", out var bindText)
                && TryExport(library, "sqlite3_clear_bindings", out var clear)
                && TryExport(library, "sqlite3_column_type", out var columnType)
                && TryExport(library, "sqlite3_column_int64", out var columnInt64)
                && TryExport(library, "sqlite3_changes", out var changes)
                && TryExport(library, "sqlite3_step", out var step)
                && TryExport(library, "sqlite3_reset", out var reset))
            {
                BindInt64Fn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long, int>)bindInt64;
                BindTextFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*, int, IntPtr, int>)bindText;
                ClearBindingsFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int>)clear;
                ColumnTypeFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int>)columnType;
                ColumnInt64Fn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long>)columnInt64;
                ChangesFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int>)changes;
                StepFn = (delegate* unmanaged[Cdecl]<IntPtr, int>)step;
                ResetFn = (delegate* unmanaged[Cdecl]<IntPtr, int>)reset;
                Available = true;
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // No provider, no library, no export: the bindings' own calls serve.
            Available = false;
        }
    }

    public static int BindInt64(IntPtr stmt, int index, long value) => BindInt64Fn(stmt, index, value);

    public static int BindText(IntPtr stmt, int index, ReadOnlySpan<byte> utf8)
    {
        fixed (byte* p = utf8)
        {
            // A span of length 0 may have no address; SQLite reads a NULL pointer as SQL NULL, so never pass one.
            byte empty = 0;
            return BindTextFn(stmt, index, p is null ? &empty : p, utf8.Length, Transient);
        }
    }

    public static int ClearBindings(IntPtr stmt) => ClearBindingsFn(stmt);

    public static int ColumnType(IntPtr stmt, int index) => ColumnTypeFn(stmt, index);

    public static long ColumnInt64(IntPtr stmt, int index) => ColumnInt64Fn(stmt, index);

    public static int Changes(IntPtr db) => ChangesFn(db);

    public static int Step(IntPtr stmt) => StepFn(stmt);

    public static int Reset(IntPtr stmt) => ResetFn(stmt);

    private static bool TryExport(IntPtr library, string name, out IntPtr address) =>
        NativeLibrary.TryGetExport(library, name, out address) && address != IntPtr.Zero;
}
