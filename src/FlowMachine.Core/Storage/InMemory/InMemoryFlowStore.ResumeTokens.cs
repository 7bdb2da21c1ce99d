namespace FlowMachine.Storage.InMemory;

// The resume-token role (IResumeTokenStore).
public sealed partial class InMemoryFlowStore
{
    /// <inheritdoc/>
    public ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // The index may still point at a step that moved on; only a waiting step counts.
            return ValueTask.FromResult(FindWaitingStep(token) is { } found ? ((string, string)?)(found.FlowId, found.Step.Key) : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (FindWaitingStep(token) is not { } found)
            {
                return ValueTask.FromResult(ResumeTokenUse.NotFound);
            }

            if (found.Step.StartedAt is { } started && now - started >= lifetime)
            {
                return ValueTask.FromResult(new ResumeTokenUse(ResumeTokenStatus.Expired, found.FlowId, found.Step.Key));
            }

            usedResumeTokens[token] = found.FlowId;
            resumeTokens.Remove(token);

            // Replaced, not edited: records already handed out must not change under their holders.
            var cleared = found.Step.ShallowCopy();
            cleared.ResumeToken = null;
            flows[found.FlowId].Steps[cleared.Key] = cleared;
            return ValueTask.FromResult(new ResumeTokenUse(ResumeTokenStatus.Consumed, found.FlowId, cleared.Key));
        }
    }

    /// <summary>The waiting step holding an unused token; call under the lock.</summary>
    private (string FlowId, StepRecord Step)? FindWaitingStep(string token)
    {
        // The index may still point at a step that moved on; only a waiting step counts.
        if (!usedResumeTokens.ContainsKey(token)
            && resumeTokens.TryGetValue(token, out var hit)
            && flows.TryGetValue(hit.FlowId, out var entry)
            && entry.Steps.TryGetValue(hit.StepKey, out var step)
            && step.State == StepState.Waiting
            && string.Equals(step.ResumeToken, token, StringComparison.Ordinal))
        {
            return (hit.FlowId, step);
        }

        return null;
    }
}
