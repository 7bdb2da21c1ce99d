using System.Diagnostics;
using System.Reflection;
using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>What a latency run's PostgreSQL store is seen as: the store and the capabilities the engine looks for on it.</summary>
internal interface IPhasedClockStore : IFlowStore, IStoreNotifications, IStoreClock, IAsyncDisposable;

/// <summary>What a latency run's SQLite store is seen as (it has no clock of its own).</summary>
internal interface IPhasedStore : IFlowStore, IStoreNotifications, IAsyncDisposable;

/// <summary>
/// A store that marks on a <see cref="PhaseClock"/> when a flow's create, claims, commits and commands were called
/// and returned; other calls made meanwhile (empty claims, due-time reads) are counted. Every call goes straight
/// through (<see cref="StoreProxy"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from it at run time.")]
internal class PhasedStore : StoreProxy
{
    private PhaseClock clock = null!;

    /// <summary>The store, marking on <paramref name="clock"/>, seen with the same capabilities (notifications, a clock) as the store has.</summary>
    public static IFlowStore Wrap(IFlowStore inner, PhaseClock clock)
    {
        var self = inner is IStoreClock ? Decorate<IPhasedClockStore, PhasedStore>(inner) : Decorate<IPhasedStore, PhasedStore>(inner);
        self.clock = clock;
        return (IFlowStore)(object)self;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var start = Stopwatch.GetTimestamp();
        var result = Forward(method, args);

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

        return Then(method, result!, value => Mark(value, method.Name, flowId, start));
    }

    private void Mark(object? value, string name, string? flowId, long start)
    {
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
    }
}
