using System.Reflection;
using System.Runtime.ExceptionServices;

namespace FlowMachine.Benchmarks;

/// <summary>The call a store proxy passes through: the inner store's method, its own exception rethrown as it was.</summary>
internal static class ProxyCall
{
    public static object? Invoke(MethodInfo method, object inner, object?[]? args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException ex)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
            throw;
        }
    }
}
