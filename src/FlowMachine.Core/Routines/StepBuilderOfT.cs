using System.Linq.Expressions;

namespace FlowMachine.Routines;

/// <summary>A step whose params are a <typeparamref name="TParams"/>: <see cref="Param{TValue}"/> sets one of them to a reference the compiler checks by name.</summary>
/// <typeparam name="TParams">The params class.</typeparam>
public sealed class StepBuilder<TParams> : StepBuilder
{
    internal StepBuilder(RoutineBuilder routine, string key, string taskType, System.Text.Json.Nodes.JsonObject parameters)
        : base(routine, key, taskType, parameters)
    {
    }

    /// <summary>Sets the param <paramref name="property"/> to <paramref name="value"/>, whatever the property's type: <c>.Param(p =&gt; p.Amount, Ref.Input("amount"))</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="property"/> is not a property of <typeparamref name="TParams"/>.</exception>
    public StepBuilder<TParams> Param<TValue>(Expression<Func<TParams, TValue>> property, Ref value)
    {
        ArgumentNullException.ThrowIfNull(property);
        var body = property.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : property.Body;
        if (body is not MemberExpression { Expression: ParameterExpression } member)
        {
            throw new ArgumentException($"'{property}' must name a property of {typeof(TParams).Name}, such as p => p.Order.", nameof(property));
        }

        Param(SpecNodes.ParamName(member.Member), value);
        return this;
    }
}
