using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowMachine.Server.Errors;

/// <summary>
/// Turns what the framework says about a request it could not bind (a missing or malformed body, a field
/// of the wrong type, an unknown field, a query value that is not a number) into the API's own words:
/// what was wrong and what to send. No type names or reader wording reach the answer.
/// </summary>
internal static partial class BindingProblems
{
    public static ProblemHttpResult FromBadRequest(BadHttpRequestException bad, RequestBody? body)
    {
        if (bad.InnerException is JsonException json)
        {
            return FromJson(json, body);
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiExceptionHandler.BodyTooLarge(null);
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return UnsupportedMediaType(null, body);
        }

        if (FailedQueryValue().Match(bad.Message) is { Success: true } query)
        {
            var name = query.Groups["name"].Value;
            var kind = query.Groups["type"].Value.Contains("int", StringComparison.OrdinalIgnoreCase) || query.Groups["type"].Value.Contains("long", StringComparison.OrdinalIgnoreCase)
                ? "a whole number" : "a valid value";
            return Problems.Field(name, $"'{Clip(query.Groups["value"].Value)}' is not {kind}; send {name} as {kind}");
        }

        // What is left is a body that was required but not sent.
        return body is null
            ? TypedResults.Problem("the request could not be read; check its path, query and body against docs/api.md", statusCode: StatusCodes.Status400BadRequest, title: "Bad request")
            : Problems.Field("body", $"the request needs a JSON body; send {body.Shape}");
    }

    public static ProblemHttpResult FromJson(JsonException json, RequestBody? body)
    {
        var shape = body?.Shape ?? "a JSON object";
        var field = FieldOf(json.Path);
        if (json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var name = UnmappedName().Match(json.Message) is { Success: true } m ? m.Groups["name"].Value : field ?? "body";
            var known = body is null ? "" : $" The fields are: {string.Join(", ", body.Names)}.";
            return Problems.Field(name, $"unknown field '{Clip(name)}'.{DidYouMean(name, body)}{known}");
        }

        if (json.Message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return field is null
                ? Problems.Field("body", $"the body must be {shape}")
                : Problems.Field(field, $"'{field}' must be {body?.KindOf(field) ?? "another type of JSON value"}");
        }

        var where = json.LineNumber is { } line ? $" at line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1}" : "";
        return Problems.Field(field ?? "body", $"the body is not valid JSON{where} (no comments or trailing commas); send {shape}");
    }

    /// <summary>A 415: the body was not sent as JSON.</summary>
    public static ProblemHttpResult UnsupportedMediaType(string? contentType, RequestBody? body) =>
        TypedResults.Problem(UnsupportedMediaTypeDetail(contentType, body), statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static string UnsupportedMediaTypeDetail(string? contentType, RequestBody? body) =>
        (string.IsNullOrEmpty(contentType) ? "the body has no Content-Type" : $"the body was sent as '{Clip(contentType)}'")
        + $"; send {body?.Shape ?? "a JSON object"} with the header Content-Type: application/json";

    /// <summary><c>$.field</c>, <c>$['field']</c> or <c>$.field[0]</c> names its first field; <c>$</c> is the body itself.</summary>
    private static string? FieldOf(string? path)
    {
        if (path is null || path.Length <= 1)
        {
            return null;
        }

        var match = PathField().Match(path);
        return match.Success ? (match.Groups["dot"].Success ? match.Groups["dot"].Value : match.Groups["quoted"].Value) : null;
    }

    private static string DidYouMean(string name, RequestBody? body)
    {
        var close = body?.Names.FirstOrDefault(known =>
            string.Equals(known, name, StringComparison.OrdinalIgnoreCase)
            || (name.Length > 2 && (name.StartsWith(known, StringComparison.OrdinalIgnoreCase) || known.StartsWith(name, StringComparison.OrdinalIgnoreCase))));
        return close is null ? "" : $" Did you mean '{close}'?";
    }

    private static string Clip(string text) => text.Length <= 100 ? text : text[..100] + "…";

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]*) (?<name>[A-Za-z0-9_]+)" from "(?<value>.*)"\.?$""", RegexOptions.Singleline)]
    private static partial Regex FailedQueryValue();

    [GeneratedRegex("The JSON property '(?<name>.*)' could not be mapped", RegexOptions.Singleline)]
    private static partial Regex UnmappedName();

    [GeneratedRegex("""^\$(?:\.(?<dot>[^.\[]+)|\['(?<quoted>[^']*)'\])""")]
    private static partial Regex PathField();
}
