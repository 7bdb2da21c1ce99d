using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>
/// A retention store that counts the top-level flows its batches deleted, so a sweep stopped midway still says how
/// much it did, and times each batch.
/// </summary>
internal sealed class CountingRetentionStore(IFlowRetentionStore inner) : IFlowRetentionStore
{
    private readonly List<double> batchMs = [];
    private long deleted;

    public long Deleted => Interlocked.Read(ref deleted);

    /// <summary>The median and the slowest batch since the last call, in milliseconds.</summary>
    public (double Median, double Max) TakeBatchTimes()
    {
        lock (batchMs)
        {
            var times = (batchMs.Count == 0 ? 0 : RetentionBench.Median(batchMs), batchMs.Count == 0 ? 0 : batchMs.Max());
            batchMs.Clear();
            return times;
        }
    }

    public async ValueTask<RetentionBatch> DeleteFlowsAsync(FlowRetentionFilter filter, int batchSize, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var batch = await inner.DeleteFlowsAsync(filter, batchSize, cancellationToken);
        Interlocked.Add(ref deleted, batch.Deleted);
        lock (batchMs)
        {
            batchMs.Add(clock.Elapsed.TotalMilliseconds);
        }

        return batch;
    }

    public ValueTask<long> CountDeletableFlowsAsync(FlowRetentionFilter filter, CancellationToken cancellationToken) => inner.CountDeletableFlowsAsync(filter, cancellationToken);

    public ValueTask<FlowDeleteOutcome> DeleteFlowAsync(string flowId, CancellationToken cancellationToken) => inner.DeleteFlowAsync(flowId, cancellationToken);

    public ValueTask<FlowStorageStats> GetStorageStatsAsync(CancellationToken cancellationToken) => inner.GetStorageStatsAsync(cancellationToken);

    public ValueTask ReclaimSpaceAsync(CancellationToken cancellationToken) => inner.ReclaimSpaceAsync(cancellationToken);
}
