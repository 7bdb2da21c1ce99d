using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace FlowMachine.Benchmarks;

/// <summary>
/// A store decorator made at run time (a <see cref="DispatchProxy"/> seen as the store's interfaces): every call goes
/// through to the inner store by reflection (about a microsecond more each), its own exception rethrown as it was.
/// A subclass forwards each call with <see cref="Forward"/> and looks at the results it cares about with <see cref="Then"/>.
/// </summary>
internal abstract class StoreProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<Type, MethodInfo> Continuations = new();

    /// <summary>The store every call goes to.</summary>
    protected object Inner { get; private set; } = null!;

    /// <summary>A new decorator of <paramref name="inner"/>: the proxy, seen as <typeparamref name="TStore"/> (cast it to that).</summary>
    protected static TProxy Decorate<TStore, TProxy>(object inner)
        where TProxy : StoreProxy
    {
        var self = (TProxy)(object)Create<TStore, TProxy>()!;
        self.Inner = inner;
        return self;
    }

    /// <summary>The call on the inner store: its result, or its own exception rethrown as it was.</summary>
    protected object? Forward(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(Inner, args);
        }
        catch (TargetInvocationException ex)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
            throw;
        }
    }

    /// <summary>
    /// The <c>ValueTask&lt;T&gt;</c> that <paramref name="method"/> returned, passed on as it completes: its value is
    /// given to <paramref name="seen"/> first (not when it fails).
    /// </summary>
    protected static object Then(MethodInfo method, object result, Action<object?> seen)
    {
        var then = Continuations.GetOrAdd(method.ReturnType.GetGenericArguments()[0], t =>
            typeof(StoreProxy).GetMethod(nameof(ThenAsync), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t));
        return then.Invoke(null, [result, seen])!;
    }

    private static async ValueTask<T> ThenAsync<T>(ValueTask<T> pending, Action<object?> seen)
    {
        var value = await pending.ConfigureAwait(false);
        seen(value);
        return value;
    }
}
