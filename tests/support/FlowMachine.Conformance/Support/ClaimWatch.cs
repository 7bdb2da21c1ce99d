using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Support;

/// <summary>What a watched store is seen as: the store and its notifications.</summary>
public interface IWatchedStore : IFlowStore, IStoreNotifications;

/// <summary>What a watched store that is disposed of is seen as: disposing of it disposes of the store.</summary>
public interface IWatchedDisposableStore : IWatchedStore, IAsyncDisposable;

/// <summary>
/// A store that notes which flows claims handed out (claim rounds and targeted claims), in the order the claims
/// returned, and when a worker last read the next due time (which it does once its claim round came back short);
/// every call goes straight through.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from it at run time.")]
public class ClaimWatch : DispatchProxy
{
    private readonly ConcurrentDictionary<string, int> claimed = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyList<string>> handedOut = [];
    private readonly ConcurrentDictionary<string, int> commits = new(StringComparer.Ordinal);
    private object inner = null!;
    private volatile bool dead;
    private TaskCompletionSource nextDueRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The store (which must give notifications) and its watch; disposing of it disposes of the store, if that can be disposed of.</summary>
    public static (IFlowStore Store, ClaimWatch Watch) Wrap(IFlowStore inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        IFlowStore proxy = inner is IAsyncDisposable ? Create<IWatchedDisposableStore, ClaimWatch>() : Create<IWatchedStore, ClaimWatch>();
        var self = (ClaimWatch)(object)proxy;
        self.inner = inner;
        return (proxy, self);
    }

    /// <summary>How many times a claim (a round or a targeted one) handed out the flow.</summary>
    public int ClaimsOf(string flowId) => claimed.TryGetValue(flowId, out var n) ? n : 0;

    /// <summary>The flows each claim that handed out any (a round, or a targeted claim) handed out, in the order the claims returned.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Claims
    {
        get
        {
            lock (handedOut)
            {
                return [.. handedOut];
            }
        }
    }

    /// <summary>How many commits were sent for the flow (counted as they are called).</summary>
    public int CommitsOf(string flowId) => commits.TryGetValue(flowId, out var n) ? n : 0;

    /// <summary>The process using this store dies: from now on every call fails, and nothing reaches the store.</summary>
    public void Die() => dead = true;

    /// <summary>Completes at the next read of the next due time after this call, and a little after it (the worker then goes idle).</summary>
    public async Task IdleAsync()
    {
        await Volatile.Read(ref nextDueRead).Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(100);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        if (dead)
        {
            throw new IOException($"The process died: {method.Name} reaches no store.");
        }

        if (method.Name == nameof(IFlowStore.CommitAsync))
        {
            commits.AddOrUpdate(((FlowTransition)args![0]!).Flow.Id, 1, (_, n) => n + 1);
        }

        object? result;
        try
        {
            result = method.Invoke(inner, args);
        }
        catch (TargetInvocationException ex)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
            throw;
        }

        return method.Name switch
        {
            nameof(IFlowStore.ClaimDueAsync) => new ValueTask<IReadOnlyList<ClaimedFlow>>(NoteAsync((ValueTask<IReadOnlyList<ClaimedFlow>>)result!)),
            nameof(IFlowStore.ClaimFlowAsync) => new ValueTask<ClaimedFlow?>(NoteOneAsync((ValueTask<ClaimedFlow?>)result!)),
            nameof(IFlowStore.GetNextDueAsync) => new ValueTask<DateTimeOffset?>(NoteDueAsync((ValueTask<DateTimeOffset?>)result!)),
            _ => result,
        };
    }

    private async Task<IReadOnlyList<ClaimedFlow>> NoteAsync(ValueTask<IReadOnlyList<ClaimedFlow>> pending)
    {
        var flows = await pending;
        Note([.. flows.Select(f => f.Flow.Id)]);
        return flows;
    }

    private async Task<ClaimedFlow?> NoteOneAsync(ValueTask<ClaimedFlow?> pending)
    {
        var flow = await pending;
        if (flow is not null)
        {
            Note([flow.Flow.Id]);
        }

        return flow;
    }

    private void Note(IReadOnlyList<string> flowIds)
    {
        if (flowIds.Count == 0)
        {
            return;
        }

        foreach (var id in flowIds)
        {
            claimed.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        lock (handedOut)
        {
            handedOut.Add(flowIds);
        }
    }

    private async Task<DateTimeOffset?> NoteDueAsync(ValueTask<DateTimeOffset?> pending)
    {
        var due = await pending;
        Interlocked.Exchange(ref nextDueRead, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return due;
    }
}
