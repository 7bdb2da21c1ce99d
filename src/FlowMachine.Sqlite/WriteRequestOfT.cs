namespace FlowMachine.Sqlite;

/// <summary>A write request that produces a <typeparamref name="T"/>.</summary>
internal sealed class WriteRequest<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken) : WriteRequest
{
    // Continuations run where the outcome is handed over (WriteRequest.Finish): on the caller's own thread for a
    // commit written there, else on the thread pool in a batch's hand-off, never on the writer thread.
    private readonly TaskCompletionSource<T> completion = new();
    private T? result;

    public Task<T> Task => completion.Task;

    public override CancellationToken CancellationToken => cancellationToken;

    public override void Execute(SqliteCommandCache db) => result = work(db);

    protected override void SetResult() => completion.TrySetResult(result!);

    protected override void SetException(Exception error) => completion.TrySetException(error);

    protected override void SetCanceled() => completion.TrySetCanceled(cancellationToken);
}
