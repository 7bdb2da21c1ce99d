using System.Net;
using System.Text;
using FlowMachine.Server.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Tests;

/// <summary>
/// Every refused request says in the API's own words what was wrong and what to send: unknown fields are
/// named, and no framework text (type names, binder or reader wording) reaches the answer.
/// </summary>
public sealed class RequestWordingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] FrameworkWords =
    [
        "Exception", "Implicit body", "Failed to bind", "Nullable", "FlowMachine.", "System.", "reader options",
        "Did you mean to use a Service", "could not be converted", ".NET", "Body", "LineNumber", "BytePositionInLine",
    ];

    public static TheoryData<string, string, string, string, string> UnknownFields => new()
    {
        { "/api/v1/flows", """{"spec":["noop"],"inputs":{"a":1}}""", "inputs", "input", "spec" },
        { "/api/v1/routines", """{"name":"extra","spec":["noop"],"owner":"me"}""", "owner", "name", "spec" },
        { "/api/v1/flows/{done}/push", """{"value":1,"stepKey":"a"}""", "stepKey", "value", "step" },
        { "/api/v1/flows/{done}/submit", """{"arg":{"ok":true}}""", "arg", "args", "step" },
        { "/api/v1/flows/{done}/cancel", """{"why":"x"}""", "why", "reason", "reason" },
        { "/api/v1/flows/{done}/position", """{"position":0,"step":"a"}""", "step", "position", "position" },
        { "/api/v1/flows/{done}/events/go", """{"value":1,"data":2}""", "data", "value", "value" },
    };

    [Theory]
    [MemberData(nameof(UnknownFields))]
    public async Task An_unknown_field_in_a_body_is_refused_with_400_naming_it_and_the_fields_there_are(string path, string body, string unknown, string known1, string known2)
    {
        var done = await CompletedFlowAsync();
        var before = await CountAsync();

        var response = await server.Admin.PostJsonAsync(path.Replace("{done}", done, StringComparison.Ordinal), body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(unknown), problem.ToJsonString());
        var message = string.Join(" ", errors[unknown]!.AsArray().Select(m => (string?)m));
        Assert.Contains($"unknown field '{unknown}'", message, StringComparison.Ordinal);
        Assert.Contains(known1, message, StringComparison.Ordinal);
        Assert.Contains(known2, message, StringComparison.Ordinal);
        AssertOwnWords(problem.ToJsonString());
        Assert.Equal(before, await CountAsync());
    }

    public static TheoryData<string, string, string?, string, int, string> Refused => new()
    {
        // method, path, body, content type, status, what the answer must mention
        { "POST", "/api/v1/flows", "", "application/json", 400, "JSON object" },
        { "POST", "/api/v1/flows", null, "", 400, "JSON object" },
        { "POST", "/api/v1/flows/{done}/position", "", "application/json", 400, "position" },
        { "POST", "/api/v1/flows", "[1,2]", "application/json", 400, "JSON object" },
        { "POST", "/api/v1/flows", "\"noop\"", "application/json", 400, "JSON object" },
        { "POST", "/api/v1/flows", """{"routine":"seed000",}""", "application/json", 400, "line 1" },
        { "POST", "/api/v1/flows", """{"routine":"seed000" /* c */}""", "application/json", 400, "line 1" },
        { "POST", "/api/v1/flows", """{"routine": """, "application/json", 400, "not valid JSON" },
        { "POST", "/api/v1/flows", """{"routine":"seed000","version":"two"}""", "application/json", 400, "whole number" },
        { "POST", "/api/v1/flows", """{"routine":"seed000","key":{"a":1}}""", "application/json", 400, "text" },
        { "POST", "/api/v1/flows/{done}/position", """{"position":"x"}""", "application/json", 400, "whole number" },
        { "GET", "/api/v1/flows?limit=abc", null, "", 400, "whole number" },
        { "GET", "/api/v1/flows/{done}/history?after=x", null, "", 400, "whole number" },
        { "GET", "/api/v1/routines/seed000?version=two", null, "", 400, "whole number" },
        { "POST", "/api/v1/routines", "name=x", "application/x-www-form-urlencoded", 415, "application/json" },
        { "POST", "/api/v1/flows", "{\"spec\":[\"noop\"]}", "text/plain", 415, "application/json" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_refused_request_says_what_was_wrong_and_what_to_send_in_the_apis_words(string method, string path, string? body, string contentType, int status, string mention)
    {
        var done = await CompletedFlowAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{done}", done, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new(contentType);
        }

        using var response = await server.Admin.SendAsync(request);

        var problem = await response.AssertProblemAsync((HttpStatusCode)status);
        var detail = (string?)problem["detail"];
        Assert.False(string.IsNullOrWhiteSpace(detail), problem.ToJsonString());
        Assert.Contains(mention, problem.ToJsonString(), StringComparison.Ordinal);
        AssertOwnWords(problem.ToJsonString());
    }

    private static void AssertOwnWords(string answer)
    {
        foreach (var word in FrameworkWords)
        {
            Assert.False(answer.Contains(word, StringComparison.Ordinal), $"'{word}' leaked into: {answer}");
        }
    }

    private string? completed;

    private async Task<string> CompletedFlowAsync()
    {
        if (completed is not null)
        {
            return completed;
        }

        return completed = await Http.SeedAndCompletedFlowAsync(server.Admin);
    }

    private async Task<long> CountAsync()
    {
        var store = server.App.Services.GetRequiredService<IFlowStore>();
        return (await store.CountFlowsByStateAsync(null, default)).Values.Sum() + (await store.ListRoutinesAsync(default)).Count;
    }
}
