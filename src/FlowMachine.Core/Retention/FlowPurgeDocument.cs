using System.Text.Json.Serialization;

namespace FlowMachine.Retention;

/// <summary>What a purge by hand did: the flows it deleted (with how many children went with them), or would delete on a dry run.</summary>
public sealed record FlowPurgeDocument
{
    /// <summary>True when nothing was deleted, only counted.</summary>
    [JsonPropertyName("dryRun")]
    public bool DryRun { get; init; }

    /// <summary>The finished flows deleted (or that would be).</summary>
    [JsonPropertyName("flows")]
    public long Flows { get; init; }

    /// <summary>The child flows deleted with them; absent on a dry run.</summary>
    [JsonPropertyName("children")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Children { get; init; }

    /// <summary>Counts (<paramref name="dryRun"/>) or deletes the flows <paramref name="filter"/> matches, as the sweeper does, then gives the space back.</summary>
    public static async Task<FlowPurgeDocument> RunAsync(Storage.IFlowRetentionStore store, RetentionSweeper sweeper, Storage.FlowRetentionFilter filter, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sweeper);
        if (dryRun)
        {
            return new FlowPurgeDocument { DryRun = true, Flows = await store.CountDeletableFlowsAsync(filter, cancellationToken).ConfigureAwait(false) };
        }

        var (flows, children) = await sweeper.DeleteAllAsync(filter, cancellationToken).ConfigureAwait(false);
        await store.ReclaimSpaceAsync(cancellationToken).ConfigureAwait(false);
        return new FlowPurgeDocument { Flows = flows, Children = children };
    }
}
