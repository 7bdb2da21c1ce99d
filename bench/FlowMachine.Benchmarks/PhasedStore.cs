using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>What a latency run's PostgreSQL store is seen as: the store and the capabilities the engine looks for on it.</summary>
internal interface IPhasedClockStore : IFlowStore, IStoreNotifications, IStoreClock, IAsyncDisposable;

/// <summary>What a latency run's SQLite store is seen as (it has no clock of its own).</summary>
internal interface IPhasedStore : IFlowStore, IStoreNotifications, IAsyncDisposable;

/// <summary>
/// A store that marks on a <see cref="PhaseClock"/> when a flow's create, claims, commits and commands were called
/// and returned; other calls made meanwhile (empty claims, due-time reads) are counted. Every call goes straight
/// through (by reflection, about a microsecond more each).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from it at run time.")]
internal class PhasedStore : DispatchProxy
{
    private static readonly ConcurrentDictionary<Type, MethodInfo> Timers = new();
    private object inner = null!;
    private PhaseClock clock = null!;

    /// <summary>The store, marking on <paramref name="clock"/>, seen with the same capabilities (notifications, a clock) as the store has.</summary>
    public static IFlowStore Wrap(IFlowStore inner, PhaseClock clock)
    {
        IFlowStore proxy = inner is IStoreClock ? Create<IPhasedClockStore, PhasedStore>() : Create<IPhasedStore, PhasedStore>();
        var self = (PhasedStore)(object)proxy;
        self.inner = inner;
        self.clock = clock;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var start = Stopwatch.GetTimestamp();
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

        var flowId = method.Name switch
        {
            nameof(IFlowStore.CommitAsync) => ((FlowTransition)args![0]!).Flow.Id,
            nameof(IFlowStore.CreateFlowAsync) => ((NewFlow)args![0]!).Flow.Id,
            nameof(IFlowStore.EnqueueCommandAsync) or nameof(IFlowStore.ClaimFlowAsync) => (string)args![0]!,
            _ => (string?)null,
        };
        if (flowId is null && method.Name is not (nameof(IFlowStore.ClaimDueAsync) or nameof(IFlowStore.GetNextDueAsync)))
        {
            return result;
        }

        var type = method.ReturnType.GetGenericArguments()[0];
        var timer = Timers.GetOrAdd(type, t => typeof(PhasedStore).GetMethod(nameof(MarkAsync), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(t));
        return timer.Invoke(this, [result, method.Name, flowId, start]);
    }

    private async ValueTask<T> MarkAsync<T>(ValueTask<T> pending, string name, string? flowId, long start)
    {
        var value = await pending.ConfigureAwait(false);
        switch (name)
        {
            case nameof(IFlowStore.CreateFlowAsync):
                clock.Created(flowId!, start);
                break;
            case nameof(IFlowStore.CommitAsync):
                clock.Call(flowId!, "commit", "committed", start);
                break;
            case nameof(IFlowStore.EnqueueCommandAsync):
                clock.Call(flowId!, "command", "queued", start);
                break;
            case nameof(IFlowStore.ClaimFlowAsync) when value is not null:
                clock.Call(flowId!, "claim", "claimed", start);
                break;
            case nameof(IFlowStore.ClaimDueAsync) when value is IReadOnlyList<ClaimedFlow> { Count: > 0 } claimed:
                foreach (var flow in claimed)
                {
                    clock.Call(flow.Flow.Id, "claim", "claimed", start);
                }

                break;
            default:
                clock.Count(name == nameof(IFlowStore.GetNextDueAsync) ? "next-due read" : "empty claim");
                break;
        }

        return value;
    }
}
