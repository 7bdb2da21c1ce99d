using FlowMachine.Storage;

namespace FlowMachine.Postgres;

/// <summary>One queued commit and the caller waiting for it.</summary>
internal sealed class CommitRequest(FlowTransition transition, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<CommitResult> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FlowTransition Transition { get; } = transition;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Task<CommitResult> Task => done.Task;

    /// <summary>Set while a batch runs: what this request will report once the batch commits.</summary>
    public CommitResult? Result { get; set; }

    /// <summary>Set while a batch runs: the error this request will report (its own writes were undone).</summary>
    public Exception? Error { get; set; }

    public void Finish()
    {
        if (Error is { } error)
        {
            done.TrySetException(error);
        }
        else
        {
            done.TrySetResult(Result ?? default);
        }
    }

    public void Fail(Exception error) => done.TrySetException(error);

    public void Cancel() => done.TrySetCanceled(CancellationToken);
}
