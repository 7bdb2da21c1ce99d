namespace FlowMachine.Sqlite.Tests;

/// <summary>
/// How the writer hands a batch's outcomes back: off its own thread, a few pool work items for the whole batch,
/// never one caller's continuation holding up the others, and all of them before a dispose ends.
/// </summary>
public sealed class SqliteWriterHandOffTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Queued_requests_are_answered_off_the_writer_thread_and_a_blocked_continuation_holds_up_no_other()
    {
        await using var store = await OpenAsync();
        var writer = store.WriterForTests;
        var (blocker, release) = HoldWriter(writer);

        // Queued behind the held transaction: one batch, applied on the writer thread, answered in this order.
        var requests = Enumerable.Range(0, 3).Select(i => writer.WriteAsync(_ => Environment.CurrentManagedThreadId, CancellationToken.None)).ToList();

        // The first caller's continuation runs where its outcome is handed over, and blocks until the last one is answered.
        var lastAnswered = false;
        var firstContinuationThread = 0;
        var first = requests[0].ContinueWith(
            _ =>
            {
                firstContinuationThread = Environment.CurrentManagedThreadId;
                lastAnswered = SpinWait.SpinUntil(() => requests[2].IsCompleted, Patience);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        release.Set();
        Assert.True(await blocker);
        var writerThread = await requests[0];
        Assert.All(await Task.WhenAll(requests), thread => Assert.Equal(writerThread, thread));
        await first.WaitAsync(Patience);

        Assert.True(lastAnswered, "the last request waited for the first caller's continuation");
        Assert.NotEqual(writerThread, firstContinuationThread);
    }

    [Fact]
    public async Task Dispose_ends_after_every_queued_caller_has_its_outcome()
    {
        var store = await OpenAsync();
        var writer = store.WriterForTests;
        var (blocker, release) = HoldWriter(writer);
        var ok = writer.WriteAsync(_ => 1, CancellationToken.None);
        var failing = writer.WriteAsync<int>(_ => throw new InvalidOperationException("no"), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = writer.WriteAsync(_ => 3, cancel.Token);
        await cancel.CancelAsync();

        // A slow continuation of the first: the dispose still waits until it has run.
        var continued = false;
        _ = ok.ContinueWith(
            _ =>
            {
                Thread.Sleep(300);
                continued = true;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        release.Set();
        Assert.True(await blocker);
        await store.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.True(continued, "dispose ended before a caller's continuation had run");
        Assert.True(ok.IsCompletedSuccessfully && failing.IsFaulted && cancelled.IsCanceled);
        Assert.Equal(1, await ok);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
    }

    private async Task<SqliteFlowStore> OpenAsync()
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf() });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Keeps the writer inside a transaction on a thread of its own until the event is set.</summary>
    private static (Task<bool> Blocker, ManualResetEventSlim Release) HoldWriter(SqliteWriter writer)
    {
        var started = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var blocker = Task.Run(() => writer.WriteAsync(
            _ =>
            {
                started.Set();
                return release.Wait(Patience);
            },
            CancellationToken.None));
        Assert.True(started.Wait(Patience));
        return (blocker, release);
    }
}
