namespace FlowMachine.Sqlite;

/// <summary>
/// Hands a committed batch's outcomes to the callers from the thread pool, a few work items for the whole batch
/// instead of one a request: an item takes the next request not yet taken and finishes it, so the callers'
/// continuations (a flow's next step, up to its next commit) run there in turn, with one wake-up of a pool thread
/// for many requests. While requests are left, one more item is kept queued: if a continuation blocks or runs
/// long, that item takes the rest on another thread, so no caller waits behind another's slow continuation for
/// longer than the pool takes to start an item.
/// </summary>
internal sealed class WriteCompletions : IThreadPoolWorkItem
{
    private readonly WriteRequest[] requests;
    private readonly IHandOffCount count;
    private int next = -1;
    private int queued; // 1 while an item of this hand-off waits in the pool's queue

    private WriteCompletions(WriteRequest[] requests, IHandOffCount count)
    {
        this.requests = requests;
        this.count = count;
    }

    /// <summary>What keeps count of the items queued and not yet ended (a dispose waits for them).</summary>
    internal interface IHandOffCount
    {
        void Queued();

        void Ended();
    }

    /// <summary>Queues the hand-off of <paramref name="requests"/>, whose outcomes are all recorded.</summary>
    public static void Start(WriteRequest[] requests, IHandOffCount count)
    {
        if (requests.Length > 0)
        {
            new WriteCompletions(requests, count).Queue();
        }
    }

    public void Execute()
    {
        Volatile.Write(ref queued, 0);
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests.Length)
        {
            if (i + 1 < requests.Length && Interlocked.CompareExchange(ref queued, 1, 0) == 0)
            {
                Queue(); // requests are left: another item stands by in case this continuation holds the thread
            }

            requests[i].Finish();
        }

        count.Ended();
    }

    private void Queue()
    {
        Volatile.Write(ref queued, 1);
        count.Queued();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}
