using FlowMachine.Specs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowMachine.Server.Errors;

/// <summary>The ProblemDetails answers of the API; 400s always name the field that was wrong.</summary>
internal static class Problems
{
    public static ProblemHttpResult Field(string field, string message) =>
        Fields(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Fields(IDictionary<string, string[]> errors, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = status,
            Title = "The request is not valid",
            Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    /// <summary>A refused spec: each error under its spec path, prefixed with the request field that held the spec.</summary>
    public static ProblemHttpResult Spec(IReadOnlyList<SpecError> errors, string field) => Fields(errors, e => FieldPath(field, e.Path));

    /// <summary>Refused input whose errors already name their request field (<c>$</c>, the body itself, is <c>body</c>).</summary>
    public static ProblemHttpResult Fields(IReadOnlyList<SpecError> errors, int status = StatusCodes.Status400BadRequest) =>
        Fields(errors, e => e.Path is "$" or "" ? "body" : e.Path, status);

    private static ProblemHttpResult Fields(IReadOnlyList<SpecError> errors, Func<SpecError, string> field, int status = StatusCodes.Status400BadRequest)
    {
        var byPath = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var group in errors.GroupBy(field))
        {
            byPath[group.Key] = [.. group.Select(e => e.Line is { } line ? $"{e.Message} (line {line})" : e.Message)];
        }

        return Fields(byPath, status);
    }

    private static string FieldPath(string field, string path) =>
        path == "$" || path.Length == 0 ? field
        : path == field || path.StartsWith(field + ".", StringComparison.Ordinal) ? path
        : path.StartsWith('[') ? field + path
        : field + "." + path;

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Gone(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status410Gone, title: "Gone");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult FlowNotFound(string flowId) => NotFound($"flow {flowId} does not exist");

    /// <summary>A refused command as 404 or 409.</summary>
    public static ProblemHttpResult Command(CommandResult result) => result.Status switch
    {
        CommandStatus.NotFound => NotFound(result.Message ?? "no such flow"),
        _ => Conflict(result.Message ?? "the flow is not in a state this command applies to"),
    };
}
