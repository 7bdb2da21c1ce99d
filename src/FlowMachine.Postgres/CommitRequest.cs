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

    /// <summary>Set while a batch runs: the answer to each of the transition's limit takes (<see cref="FlowTransition.LimitTakes"/>).</summary>
    public LimitTaken[]? Taken { get; set; }

    /// <summary>Set while a batch runs: the error this request will report (its own writes were undone).</summary>
    public Exception? Error { get; set; }

    /// <summary>Forgets what a batch set, before the batch is written (again).</summary>
    public void Reset()
    {
        Result = null;
        Taken = null;
        Error = null;
    }

    public void Finish()
    {
        if (Error is { } error)
        {
            done.TrySetException(error);
        }
        else
        {
            done.TrySetResult(Taken is null ? Result ?? default : (Result ?? default) with { LimitsTaken = Taken });
        }
    }

    public void Fail(Exception error) => done.TrySetException(error);

    public void Cancel() => done.TrySetCanceled(CancellationToken);
}
