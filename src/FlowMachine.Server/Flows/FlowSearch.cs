using FlowMachine.Operations;
using FlowMachine.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowMachine.Server.Flows;

/// <summary>The query string of <c>GET /api/v1/flows</c>: a parameter it does not know is refused, not ignored.</summary>
internal static class FlowSearch
{
    private static readonly HashSet<string> Known = new([.. FlowFilters.ListParameters, .. FlowFilters.Names], StringComparer.OrdinalIgnoreCase);

    /// <summary>A 400 naming the first unknown query parameter, or null when all are known.</summary>
    public static ProblemHttpResult? UnknownFilter(HttpRequest request)
    {
        foreach (var name in request.Query.Keys)
        {
            if (!Known.Contains(name))
            {
                return Problems.Field(name, $"'{name}' is not a filter of the flow list; use {string.Join(", ", Known)}");
            }
        }

        return null;
    }
}
