using System.Net;
using System.Net.Http.Json;
using System.Text;
using FlowMachine.Server.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Tests;

/// <summary>Bad input gets a 4xx ProblemDetails that names what was wrong, never a 5xx, and changes nothing.</summary>
public sealed class BadRequestTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, string?, int, string> Cases => new()
    {
        { "POST", "/api/v1/flows", """{"routine": """, 400, "" },
        { "POST", "/api/v1/flows", """{"routine":"seed000",}x""", 400, "" },
        { "POST", "/api/v1/flows", "[1,2]", 400, "" },
        { "POST", "/api/v1/flows", "", 400, "" },
        { "POST", "/api/v1/routines", """{"name":5,"spec":["noop"]}""", 400, "name" },
        { "POST", "/api/v1/routines", """{"name":"no spaces allowed","spec":["noop"]}""", 400, "name" },
        { "POST", "/api/v1/routines", """{"name":"looks.like.a.file.yml","spec":["noop"]}""", 400, "name" },
        { "POST", "/api/v1/routines", """{"name":"nospec"}""", 400, "spec" },
        { "POST", "/api/v1/flows", """{"routine":"seed000","version":"two"}""", 400, "version" },
        { "POST", "/api/v1/flows", """{"routine":"seed000","key":{"a":1}}""", 400, "key" },
        { "POST", "/api/v1/flows", """{"routine":"no-such-routine"}""", 400, "routine" },
        { "POST", "/api/v1/flows", """{"routine":"seed000","version":99}""", 400, "routine" },
        { "POST", "/api/v1/flows", """{"routine":"seed000","spec":["noop"]}""", 400, "routine" },
        { "POST", "/api/v1/flows", "{}", 400, "routine" },
        { "POST", "/api/v1/routines", """{"name":"broken","spec":{"tasks":[{"key":"a","task_type":"no.such.type"}]}}""", 400, "spec.tasks[0].task_type" },
        { "POST", "/api/v1/routines", """{"name":"cyclic","spec":{"tasks":[{"key":"a","task_type":"noop","precursors":["b"]},{"key":"b","task_type":"noop","precursors":["a"]}]}}""", 400, "spec.tasks[" },
        { "POST", "/api/v1/flows", """{"spec":{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","precursors":["missing"]}]}}""", 400, "spec.tasks[1].precursors[0]" },
        { "POST", "/api/v1/flows", """{"spec":"tasks:\n  - no.such.type\n"}""", 400, "spec.tasks[0]" },
        { "POST", "/api/v1/flows", """{"spec":{"tasks":[{"key":"a","task_type":"print"}]}}""", 400, "spec.tasks[0].task_params.msg" },
        { "POST", "/api/v1/routines", """{"name":"no-msg","spec":{"tasks":[{"key":"a","task_type":"print"}]}}""", 400, "spec.tasks[0].task_params.msg" },
        { "POST", "/api/v1/routines", """{"name":"no-url","spec":"tasks:\n  - { key: call, task_type: http }\n"}""", 400, "spec.tasks[0].task_params.url" },
        { "GET", "/api/v1/flows?state=SLEEPING", null, 400, "state" },
        { "GET", "/api/v1/flows?limit=abc", null, 400, "limit" },
        { "GET", "/api/v1/flows?limit=0", null, 400, "limit" },
        { "GET", "/api/v1/flows?after=not-a-cursor", null, 400, "after" },
        { "GET", "/api/v1/flows/no-such-flow", null, 404, "no-such-flow" },
        { "GET", "/api/v1/flows/no-such-flow/history", null, 404, "no-such-flow" },
        { "GET", "/api/v1/flows/no-such-flow/stream", null, 404, "no-such-flow" },
        { "POST", "/api/v1/flows/no-such-flow/push", """{"value":1}""", 404, "no-such-flow" },
        { "GET", "/api/v1/routines/no-such-routine", null, 404, "no-such-routine" },
        { "POST", "/api/v1/flows/{done}/push", """{"value":1}""", 409, "no step waits" },
        { "POST", "/api/v1/flows/{done}/submit", """{"args":{"ok":true}}""", 409, "no step waits" },
        { "POST", "/api/v1/flows/{done}/cancel", "{}", 409, "COMPLETED" },
        { "POST", "/api/v1/flows/{done}/events/go", "{}", 409, "COMPLETED" },
        { "POST", "/api/v1/flows/{done}/position", """{"position":"x"}""", 400, "position" },
        { "POST", "/api/v1/flows/{done}/position", "{}", 400, "position" },
        { "POST", "/api/v1/flows/{done}/position", """{"position":99}""", 400, "between 0 and 0" },
        { "POST", "/api/v1/flows/{done}/position", """{"position":-1}""", 400, "between 0 and 0" },
        { "POST", "/api/v1/flows/{done}/push", """{"value":1,"step":7}""", 400, "step" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_request_gets_a_problem_naming_the_field_and_changes_nothing(string method, string path, string? body, int status, string mention)
    {
        var done = await CompletedFlowAsync();
        var before = await SnapshotAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{done}", done, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await server.Admin.SendAsync(request);
        var problem = await response.AssertProblemAsync((HttpStatusCode)status);
        var text = problem.ToJsonString();
        Assert.Contains(mention, (problem["detail"]?.ToString() ?? "") + " " + (problem["errors"]?.ToJsonString() ?? ""), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Oversize_bodies_get_413_with_or_without_a_length()
    {
        var before = await SnapshotAsync();
        var big = "{\"name\":\"big\",\"spec\":[\"noop\"],\"padding\":\"" + new string('x', 100 * 1024) + "\"}";
        // With a length the server answers before reading the body. The client waits for "100 Continue" before sending
        // it, as clients of large bodies do: otherwise the server may close the connection while the client still sends,
        // and the client may lose the answer it was sent.
        using var withLength = new HttpRequestMessage(HttpMethod.Post, "/api/v1/routines") { Content = new StringContent(big, Encoding.UTF8, "application/json") };
        withLength.Headers.ExpectContinue = true;
        await (await server.Admin.SendAsync(withLength)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        // Chunked: no Content-Length, so the limit is found while reading.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/flows") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await (await server.Admin.SendAsync(request)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415()
    {
        using var content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await server.Admin.PostAsync("/api/v1/routines", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_invalid_spec_names_its_spec_path()
    {
        var response = await server.Alice.PostJsonAsync("/api/v1/routines", """{"name":"typo","spec":{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"test.Twoo"}]}}""");
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("spec.tasks[1].task_type", errors.Select(e => e.Key));
        Assert.Contains("test.Two", errors["spec.tasks[1].task_type"]!.ToJsonString(), StringComparison.Ordinal);
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

    /// <summary>Flows by state, routines and their versions: what a bad request must not change.</summary>
    private async Task<string> SnapshotAsync()
    {
        var store = server.App.Services.GetRequiredService<IFlowStore>();
        var counts = await store.CountFlowsByStateAsync(null, default);
        var routines = await store.ListRoutinesAsync(default);
        var users = await server.App.Services.GetRequiredService<IUserStore>().CountUsersAsync(default);
        return string.Join(",", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))
            + "|" + string.Join(",", routines.Select(r => $"{r.Name}@{r.Version}"))
            + "|" + users;
    }
}
