using System.Linq.Expressions;

namespace FlowMachine.Routines;

/// <summary>A step whose params are a <typeparamref name="TParams"/>: <see cref="Param{TValue}"/> sets one of them to a reference the compiler checks by name.</summary>
/// <typeparam name="TParams">The params class.</typeparam>
public sealed class StepBuilder<TParams> : StepBuilder
{
    internal StepBuilder(RoutineBuilder routine, string key, Type taskClass, System.Text.Json.Nodes.JsonObject parameters)
        : base(routine, key, taskClass, parameters)
    {
    }

    /// <summary>Sets the param <paramref name="property"/> to <paramref name="value"/>, whatever the property's type: <c>.Param(p =&gt; p.Amount, Ref.Input("amount"))</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="property"/> is not a property of <typeparamref name="TParams"/>.</exception>
    public StepBuilder<TParams> Param<TValue>(Expression<Func<TParams, TValue>> property, Ref value)
    {
        ArgumentNullException.ThrowIfNull(property);
        var path = MemberPath.Of(property, nameof(property));
        if (path.Count != 1)
        {
            throw new ArgumentException($"'{property}' must name a property of {typeof(TParams).Name} itself, such as p => p.Order.", nameof(property));
        }

        Param(path[0], value);
        return this;
    }
}
