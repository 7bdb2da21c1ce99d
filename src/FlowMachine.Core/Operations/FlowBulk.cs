using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// Bulk actions (retry, cancel or delete every flow a filter matches), shared by <c>POST /api/v1/flows/bulk</c>,
/// <c>flowmachine flows bulk</c> and the dashboard. The filter is evaluated once: the matching ids are collected
/// first, page by page, then the action runs on them in batches, each flow as its single verb would.
/// Non-administrators act on their own flows only.
/// </summary>
public sealed class FlowBulk(FlowVerbs verbs, FlowDeletion deletion, IFlowQueryStore flows)
{
    /// <summary>How many flows one batch acts on.</summary>
    public const int BatchSize = 100;

    /// <summary>How many ids and refusals a result shows.</summary>
    public const int Shown = 20;

    /// <summary>The actions by name.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["retry", "cancel", "delete"];

    /// <summary>The ids of the flows <paramref name="query"/> matches that <paramref name="caller"/> may act on, newest first.</summary>
    public async Task<IReadOnlyList<string>> MatchAsync(Caller caller, FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        var ids = new List<string>();
        var page = query with { Owner = caller.IsAdmin ? query.Owner : caller.Name, Limit = 1000, After = null };
        while (true)
        {
            var found = await flows.ListFlowsAsync(page, cancellationToken).ConfigureAwait(false);
            ids.AddRange(found.Items.Select(f => f.Id));
            if (found.Next is null)
            {
                return ids;
            }

            page = page with { After = found.Next };
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> (one of <see cref="Actions"/>) on every flow <paramref name="query"/> matches
    /// for <paramref name="caller"/>; on a dry run only counts them.
    /// </summary>
    public async Task<FlowBulkResult> RunAsync(Caller caller, string action, FlowQuery query, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Actions.Contains(action, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "not a bulk action");
        }

        var ids = await MatchAsync(caller, query, cancellationToken).ConfigureAwait(false);
        return await RunOnAsync(caller, action, ids, dryRun, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the flows <paramref name="ids"/> names (the dashboard's selection), in batches;
    /// a flow the caller may not see is refused as one that does not exist.
    /// </summary>
    public async Task<FlowBulkResult> RunOnAsync(Caller caller, string action, IReadOnlyList<string> ids, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(ids);
        if (!Actions.Contains(action, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "not a bulk action");
        }

        var refusals = new List<FlowBulkRefusal>();
        var done = new List<string>();
        var refused = 0;
        if (!dryRun)
        {
            foreach (var batch in ids.Chunk(BatchSize))
            {
                foreach (var id in batch)
                {
                    if (await ActAsync(caller, action, id, cancellationToken).ConfigureAwait(false) is { } reason)
                    {
                        refused++;
                        if (refusals.Count < Shown)
                        {
                            refusals.Add(new FlowBulkRefusal(id, reason));
                        }
                    }
                    else
                    {
                        done.Add(id);
                    }
                }
            }
        }

        return new FlowBulkResult(action, dryRun, ids.Count, done.Count, refused, [.. ids.Take(Shown)], refusals, done);
    }

    // Null when the action was accepted for the flow, else why not.
    private async Task<string?> ActAsync(Caller caller, string action, string id, CancellationToken cancellationToken)
    {
        if (action == "delete")
        {
            var (outcome, state) = await deletion.DeleteAsync(caller, id, cancellationToken).ConfigureAwait(false);
            return outcome switch
            {
                FlowDeleteOutcome.Deleted => null,
                FlowDeleteOutcome.NotFound => $"flow {id} does not exist",
                _ => FlowDeletion.Refusal(id, state),
            };
        }

        FlowVerb verb = action == "retry" ? new FlowVerb.Retry(id) : new FlowVerb.Cancel(id, "bulk cancel");
        var result = await verbs.SendAsync(caller, verb, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            FlowVerbOutcome.Accepted => null,
            FlowVerbOutcome.NotFound => $"flow {id} does not exist",
            _ => result.Command?.Message ?? $"flow {id} is not in a state {action} applies to",
        };
    }
}
