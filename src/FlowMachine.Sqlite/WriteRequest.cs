namespace FlowMachine.Sqlite;

/// <summary>
/// One unit of work for the writer, completed after COMMIT. It may be executed more than once: when another
/// request of its batch fails, the transaction is rolled back and the rest of the batch runs again, so
/// <see cref="Execute"/> must depend only on the database and on what it was given.
/// </summary>
internal abstract class WriteRequest
{
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Does the work on the writer connection; throwing leaves this request out of the batch.</summary>
    public abstract void Execute(SqliteCommandCache db);

    /// <summary>Hands the result to the caller (after COMMIT).</summary>
    public abstract void Complete();

    /// <summary>Hands an error to the caller instead.</summary>
    public abstract void Fail(Exception error);

    public abstract void Cancel();
}
