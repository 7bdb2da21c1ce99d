using System.Net;
using System.Text.RegularExpressions;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>
/// The exact JSON text of one answer of each kind, taken from the server before its answers became typed
/// records: property order, nulls, numbers and the date format stay byte for byte. Only what changes from
/// run to run (flow ids, resume tokens, the time) is replaced by a placeholder before comparing.
/// </summary>
public sealed partial class PinnedJsonTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_waiting_flow_its_list_page_and_its_history_are_unchanged()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":{"label":"pin","tasks":["test.One","test.Wait"]},"input":{"n":1.5,"s":"x"},"key":"pin-1"}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        var waiting = await ServerFixture.WaitForStateAsync(server.Alice, id, "WAITING");
        var token = ((string)waiting["resumeUrl"]!).Split('/')[^1];

        Expect(Flow, await TextAsync($"/api/v1/flows/{id}"), id, token);
        Expect(FlowPage, await TextAsync("/api/v1/flows?key=pin-1"), id, token);
        Expect(History, await TextAsync($"/api/v1/flows/{id}/history"), id, token);

        var cancelled = await server.Alice.PostJsonAsync($"/api/v1/flows/{id}/cancel", """{"reason":"pinned"}""");
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Expect(Accepted, await cancelled.Content.ReadAsStringAsync(), id, token);
    }

    [Fact]
    public async Task A_saved_routine_and_the_routine_list_are_unchanged()
    {
        var saved = await server.Alice.PostJsonAsync("/api/v1/routines", """{"name":"pin.routine","spec":{"label":"p","tasks":["test.One","test.Two"]}}""");
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        Expect(Saved, await saved.Content.ReadAsStringAsync());
        Expect(Routine, await TextAsync("/api/v1/routines/pin.routine"));
        Expect(Routines, await TextAsync("/api/v1/routines"));
    }

    [Fact]
    public async Task The_task_types_are_unchanged() =>
        Expect(TaskTypes, await TextAsync("/api/v1/tasks"));

    private async Task<string> TextAsync(string path)
    {
        var response = await server.Alice.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }

    private static void Expect(string expected, string actual, string? id = null, string? token = null)
    {
        var normal = Time().Replace(actual, "\"<time$1>\"");
        if (id is not null)
        {
            normal = normal.Replace(id, "<id>", StringComparison.Ordinal);
        }

        if (token is not null)
        {
            normal = normal.Replace(token, "<token>", StringComparison.Ordinal);
        }

        normal = Port().Replace(normal, "127.0.0.1:<port>");
        Assert.Equal(expected, normal);
    }

    [GeneratedRegex("""
        "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,7})?(Z|[+-]\d\d:\d\d)"
        """)]
    private static partial Regex Time();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();

    private const string Flow = """
        {"id":"<id>","key":"pin-1","label":"pin","routine":null,"version":null,"owner":"alice","state":"WAITING","position":1,"waitReason":"Wait for external","error":null,"parentFlowId":null,"nextRunAt":null,"createdAt":"<time+00:00>","updatedAt":"<time+00:00>","input":{"n":1.5,"s":"x"},"data":{},"result":null,"steps":[{"key":"test.One","taskType":"test.One","state":"COMPLETED","result":{"task":"test.One","input":{"n":1.5,"s":"x"},"params":{},"seen":[],"attempt":1},"error":null,"errorDetail":null,"attempts":1,"startedAt":"<time+00:00>","finishedAt":"<time+00:00>"},{"key":"test.Wait","taskType":"test.Wait","state":"WAITING","result":null,"error":null,"errorDetail":null,"attempts":1,"startedAt":"<time+00:00>","finishedAt":null,"waitReason":"Wait for external","waitEvent":null,"waitUntil":null,"resumeUrl":"http://127.0.0.1:<port>/api/v1/resume/<token>"}],"resumeUrl":"http://127.0.0.1:<port>/api/v1/resume/<token>","tags":[],"attributes":{},"priority":0}
        """;
    private const string FlowPage = """
        {"items":[{"id":"<id>","key":"pin-1","label":"pin","routine":null,"version":null,"owner":"alice","state":"WAITING","position":1,"waitReason":"Wait for external","error":null,"parentFlowId":null,"nextRunAt":null,"createdAt":"<time+00:00>","updatedAt":"<time+00:00>"}],"next":null}
        """;
    private const string History = """
        [{"seq":1,"at":"<time+00:00>","kind":"flow.created","step":null,"detail":{"routine":null,"version":null,"key":"pin-1","parent":null}},{"seq":2,"at":"<time+00:00>","kind":"flow.started","step":null,"detail":null},{"seq":3,"at":"<time+00:00>","kind":"step.started","step":"test.One","detail":null},{"seq":4,"at":"<time+00:00>","kind":"step.completed","step":"test.One","detail":null},{"seq":5,"at":"<time+00:00>","kind":"step.started","step":"test.Wait","detail":null},{"seq":6,"at":"<time+00:00>","kind":"step.waiting","step":"test.Wait","detail":{"reason":"Wait for external"}}]
        """;
    private const string Accepted = """
        {"flowId":"<id>","command":"cancel","status":"accepted"}
        """;
    private const string Saved = """
        {"name":"pin.routine","version":1}
        """;
    private const string Routine = """
        {"name":"pin.routine","version":1,"owner":"alice","createdAt":"<time+00:00>","spec":{"label":"p","cfg":{"fail_fast":true},"data":{},"tasks":[{"key":"test.One","task_type":"test.One","task_params":{},"precursors":[]},{"key":"test.Two","task_type":"test.Two","task_params":{},"precursors":["test.One"]}]}}
        """;
    private const string Routines = """
        [{"name":"pin.routine","version":1,"owner":"alice","createdAt":"<time+00:00>"}]
        """;
    private const string TaskTypes = """
        [{"name":"delay","description":"Waits for a number of seconds or until a time (a durable timer).","params":[{"name":"seconds","description":"How long to wait, in seconds (0 or more). Give this or until.","required":false,"secret":false},{"name":"until","description":"An ISO-8601 time to wait until. Give this or seconds.","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"done","description":"Completes the flow early with value; remaining steps are skipped.","params":[{"name":"value","description":"The flow's result (any JSON; default null).","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"example.VeryLong","description":"Seed sample: waits task_params.seconds (default 8) and returns { very_long: seconds }.","params":[{"name":"seconds","description":"How long to run, in seconds (default 8).","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Examples"},{"name":"fail","description":"Fails the step with task_params.error.","params":[{"name":"error","description":"The error message.","required":true,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"flow","description":"Runs a child flow of a stored routine or an inline spec; its result is the step's result.","params":[{"name":"routine","description":"The name of a stored routine. Give this or spec.","required":false,"secret":false},{"name":"version","description":"The routine version (default: the newest).","required":false,"secret":false},{"name":"spec","description":"An inline flow spec object. Give this or routine.","required":false,"secret":false},{"name":"input","description":"The child flow's input (any JSON).","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"http","description":"Calls an HTTP endpoint; the result is { status, headers, body }.","params":[{"name":"method","description":"The HTTP method (default GET).","required":false,"secret":false},{"name":"url","description":"The absolute http or https URL.","required":true,"secret":false},{"name":"headers","description":"An object of request header name -> string value.","required":false,"secret":false},{"name":"body","description":"The request body: a string is sent as text/plain, any other JSON as application/json.","required":false,"secret":false},{"name":"timeout","description":"Seconds before the call is abandoned (default 30).","required":false,"secret":false},{"name":"expect","description":"An array of acceptable status codes (default: any 2xx).","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"kill","description":"Ends the flow as KILLED with a reason.","params":[{"name":"reason","description":"Why the flow ends.","required":true,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"log","description":"Writes task_params.msg to the flow log; the result is msg.","params":[{"name":"msg","description":"What to write: a string is written as-is, any other JSON value as compact JSON.","required":true,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"noop","description":"Does nothing; completes with null.","params":[],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"print","description":"Writes task_params.msg to the flow log; the result is msg.","params":[{"name":"msg","description":"What to write: a string is written as-is, any other JSON value as compact JSON.","required":true,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"spread","description":"Fans out over items (a task or a child flow per item) and collects the results in order.","params":[{"name":"items","description":"The array to fan out over.","required":true,"secret":false},{"name":"task_type","description":"Run this task type per item, with params plus item and index as its args.","required":false,"secret":false},{"name":"params","description":"Params given to each task_type child (item and index are added).","required":false,"secret":false},{"name":"routine","description":"Run a child flow of this stored routine per item, with the item as input.","required":false,"secret":false},{"name":"version","description":"The routine version (default: the newest).","required":false,"secret":false},{"name":"spec","description":"Run a child flow of this inline spec per item, with the item as input.","required":false,"secret":false},{"name":"max_items","description":"The most items accepted (default 10000).","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"switch","description":"Chooses a branch: the first case whose 'when' equals value, else default.","params":[{"name":"value","description":"The value to match (any JSON, usually interpolated such as $data.kind).","required":true,"secret":false},{"name":"cases","description":"An array of { when: <json value>, goto: \"stepKey\" }, tried in order.","required":true,"secret":false},{"name":"default","description":"The step key to run when no case matches.","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"test.One","description":"Seed sample: returns what it saw (input, params, earlier result keys, attempt).","params":[],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Examples"},{"name":"test.Three","description":"Seed sample: returns what it saw (input, params, earlier result keys, attempt).","params":[],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Examples"},{"name":"test.Two","description":"Seed sample: returns what it saw (input, params, earlier result keys, attempt).","params":[],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Examples"},{"name":"test.Wait","description":"Seed sample: waits for external input; resubmit with { ok: true } to continue.","params":[],"hasCheck":true,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Examples"},{"name":"wait","description":"Waits for a push, a named event, a time, or a resubmit with { ok: true }.","params":[{"name":"reason","description":"Why the flow waits, shown to people. Default: \"Waiting for input\".","required":false,"secret":false},{"name":"event","description":"The name of an event that resumes the step with the event's value.","required":false,"secret":false},{"name":"key","description":"With event: the correlation key the event must be raised with (POST /api/v1/events/NAME), such as $input.order; a string or a number.","required":false,"secret":false},{"name":"until","description":"An ISO-8601 time at which the step resumes by itself.","required":false,"secret":false},{"name":"seconds","description":"Resume by itself after this many seconds (instead of until).","required":false,"secret":false}],"hasCheck":true,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"},{"name":"wire","description":"Sets top-level keys in the flow data (data) and merges params into later steps (params).","params":[{"name":"data","description":"An object whose top-level keys are set in the flow data.","required":false,"secret":false},{"name":"params","description":"An object of stepKey -> object of params merged into that later step.","required":false,"secret":false}],"hasCheck":false,"maxAttempts":0,"timeoutSeconds":0,"source":"FlowMachine.Core"}]
        """;
}
