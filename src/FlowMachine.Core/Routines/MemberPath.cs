using System.Linq.Expressions;

namespace FlowMachine.Routines;

/// <summary>The JSON path a property lambda names (<c>r =&gt; r.ShipTo.Zip</c> is <c>shipTo.zip</c>), in the names params and results are written with.</summary>
internal static class MemberPath
{
    /// <exception cref="ArgumentException">The lambda is not a chain of properties from its parameter.</exception>
    public static IReadOnlyList<string> Of(LambdaExpression expression, string paramName)
    {
        var names = new List<string>();
        var body = expression.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : expression.Body;
        while (body is MemberExpression member)
        {
            names.Insert(0, SpecNodes.ParamName(member.Member));
            body = member.Expression;
        }

        return body is ParameterExpression && names.Count > 0
            ? names
            : throw new ArgumentException($"'{expression}' must name a property, such as p => p.Order or r => r.ShipTo.Zip.", paramName);
    }
}
