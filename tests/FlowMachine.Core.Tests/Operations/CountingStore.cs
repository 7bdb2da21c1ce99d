using System.Reflection;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Operations;

/// <summary>A store that counts the calls of each method and passes them on.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives from it: it must not be sealed.")]
internal class CountingStore : DispatchProxy
{
    private IFlowStore inner = null!;

    public Dictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public static CountingStore Over(IFlowStore store)
    {
        var proxy = Create<IFlowStore, CountingStore>();
        var counting = (CountingStore)(object)proxy;
        counting.inner = store;
        return counting;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        lock (Calls)
        {
            Calls[targetMethod.Name] = Calls.GetValueOrDefault(targetMethod.Name) + 1;
        }

        return targetMethod.Invoke(inner, args);
    }
}
