namespace FlowMachine.Sqlite;

/// <summary>A write request that produces a <typeparamref name="T"/>.</summary>
internal sealed class WriteRequest<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken) : WriteRequest
{
    // Continuations must not run on the writer thread, or one caller could stall every write.
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;

    public Task<T> Task => completion.Task;

    public override CancellationToken CancellationToken => cancellationToken;

    public override void Execute(SqliteCommandCache db) => result = work(db);

    public override void Complete() => completion.TrySetResult(result!);

    public override void Fail(Exception error) => completion.TrySetException(error);

    public override void Cancel() => completion.TrySetCanceled(cancellationToken);
}
