using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>Turns SQLite's terse error codes into messages that name the file and say what to do.</summary>
internal static class SqliteErrors
{
    private const int Perm = 3;
    private const int ReadOnly = 8;
    private const int IoErr = 10;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADb = 26;

    public static Exception Explain(Exception error, string path)
    {
        if (error is not SqliteException sqlite)
        {
            return error;
        }

        // The primary code is the low byte; extended codes carry detail above it.
        var message = (sqlite.SqliteErrorCode & 0xFF) switch
        {
            Full => $"The SQLite database '{path}' could not be written because the disk is full (or the database reached its configured size limit). Nothing stored was lost; free space on that disk, move the database to a disk with room, or raise the limit, and work goes on.",
            ReadOnly or Perm => $"The SQLite database '{path}' is read-only for this process. Give the process write permission on the file and its folder (SQLite also writes '-wal' and '-shm' files beside it), or choose another path.",
            CantOpen => $"The SQLite database '{path}' cannot be opened. Check that the folder exists and that this process may create and write files there, or choose another path.",
            IoErr => $"A disk error occurred while writing the SQLite database '{path}'. Check the disk and the file system, and that the disk is not full.",
            NotADb => $"The file '{path}' is not a SQLite database. Point the store at a new path or at an existing FlowMachine database.",
            _ => null,
        };
        return message is null ? error : new IOException(message, sqlite);
    }

    /// <summary>For opening: the same explanations, for errors outside SQLite too.</summary>
    public static Exception ExplainOpen(Exception error, string path) => error switch
    {
        SqliteException => Explain(error, path),
        UnauthorizedAccessException or IOException =>
            new IOException($"The folder of the SQLite database '{path}' cannot be created or written: {error.Message} Choose a path this process may write to.", error),
        _ => error,
    };
}
