namespace FlowMachine.Sqlite;

/// <summary>One unit of work for the writer: applied inside its own savepoint, completed after COMMIT.</summary>
internal abstract class WriteRequest
{
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Does the work on the writer connection; throwing rolls back only this request.</summary>
    public abstract void Execute(SqliteCommandCache db);

    /// <summary>Hands the result to the caller (after COMMIT).</summary>
    public abstract void Complete();

    /// <summary>Hands an error to the caller instead.</summary>
    public abstract void Fail(Exception error);

    public abstract void Cancel();
}
