using System.Diagnostics;
using FlowMachine.BuiltIns;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public class HttpTaskTests(LocalHttpServer server) : IClassFixture<LocalHttpServer>
{
    private readonly string url = server.BaseUrl;

    private static async Task<Outcome> Call(object parameters, CancellationToken cancellationToken = default) =>
        await new HttpTask().PerformAsync(For(parameters), cancellationToken);

    [Fact]
    public async Task Http_get_parses_a_json_body_and_reports_status_and_headers()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Call(new { url = url + "/json" }));
        var result = outcome.Value!.AsObject();
        Assert.Equal(200, result["status"]!.GetValue<int>());
        AssertJson("""{ "hello": "world", "n": [1, 2] }""", result["body"]);
        Assert.StartsWith("application/json", result["headers"]!["content-type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_returns_a_text_body_as_a_string()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Call(new { url = url + "/text" }));
        AssertJson("\"just text\"", outcome.Value!["body"]);
    }

    [Fact]
    public async Task Http_parses_a_body_that_is_json_even_when_labelled_text()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Call(new { url = url + "/json-as-text" }));
        AssertJson("""{ "sneaky": true }""", outcome.Value!["body"]);
    }

    [Fact]
    public async Task Http_post_sends_a_json_body_and_headers()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Call(new
        {
            method = "post",
            url = url + "/echo",
            headers = new Dictionary<string, string> { ["X-Test"] = "yes" },
            body = new { a = 1, b = new[] { "x" } },
        }));

        var result = outcome.Value!.AsObject();
        AssertJson("""{ "a": 1, "b": ["x"] }""", result["body"]); // echoed back, parsed again
        Assert.Equal("POST", result["headers"]!["x-echo-method"]!.GetValue<string>());
        Assert.StartsWith("application/json", result["headers"]!["x-echo-content-type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("yes", result["headers"]!["x-echo-test"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_sends_a_string_body_as_text_unless_a_content_type_header_says_otherwise()
    {
        var plain = Assert.IsType<ResultOutcome>(await Call(new { method = "PUT", url = url + "/echo", body = "hello" }));
        AssertJson("\"hello\"", plain.Value!["body"]);
        Assert.StartsWith("text/plain", plain.Value!["headers"]!["x-echo-content-type"]!.GetValue<string>(), StringComparison.Ordinal);

        var xml = Assert.IsType<ResultOutcome>(await Call(new
        {
            method = "POST",
            url = url + "/echo",
            body = "<a/>",
            headers = new Dictionary<string, string> { ["Content-Type"] = "application/xml" },
        }));
        Assert.Equal("application/xml", xml.Value!["headers"]!["x-echo-content-type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_500_fails_with_status_call_and_the_start_of_the_body()
    {
        var error = AssertFails(await Call(new { url = url + "/status/500" }), $"HTTP 500 from GET {url}/status/500: status 500: eee");
        Assert.True(error.Length < 320, error); // body cut at 200 chars
    }

    [Fact]
    public async Task Http_accepts_the_statuses_listed_in_expect()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Call(new { url = url + "/status/404", expect = new[] { 200, 404 } }));
        Assert.Equal(404, outcome.Value!["status"]!.GetValue<int>());

        AssertFails(await Call(new { url = url + "/json", expect = new[] { 201 } }), "HTTP 200 from GET");
    }

    [Fact]
    public async Task Http_timeout_fails_with_a_message()
    {
        var watch = Stopwatch.StartNew();
        AssertFails(await Call(new { url = url + "/slow", timeout = 0.3 }), "timed out after 0.3 s", "/slow");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Http_cancellation_is_not_turned_into_a_failure()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call(new { url = url + "/slow" }, cts.Token));
    }

    [Fact]
    public async Task Http_refused_connection_fails_with_the_message()
    {
        AssertFails(await Call(new { url = "http://127.0.0.1:1/nothing", timeout = 5 }), "GET http://127.0.0.1:1/nothing failed:");
    }

    [Fact]
    public async Task Http_body_over_10_MB_fails()
    {
        AssertFails(await Call(new { url = url + "/big" }), "larger than 10 MB");
    }

    [Theory]
    [InlineData("{}", "task_params.url")]
    [InlineData("""{ "url": "/relative" }""", "task_params.url")]
    [InlineData("""{ "url": "ftp://example.com/x" }""", "task_params.url")]
    [InlineData("""{ "url": "http://x", "method": "GE T" }""", "task_params.method")]
    [InlineData("""{ "url": "http://x", "headers": { "X-N": 5 } }""", "task_params.headers.X-N")]
    [InlineData("""{ "url": "http://x", "headers": ["a"] }""", "task_params.headers")]
    [InlineData("""{ "url": "http://x", "timeout": 0 }""", "task_params.timeout")]
    [InlineData("""{ "url": "http://x", "expect": [200, "ok"] }""", "task_params.expect[1]")]
    [InlineData("""{ "url": "http://x", "expect": 200 }""", "task_params.expect")]
    [InlineData("""{ "url": "http://x", "headers": { "Content-Type": "a/b" } }""", "task_params.headers.Content-Type")]
    public async Task Http_with_bad_params_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new HttpTask().PerformAsync(For(json), default), named);
    }
}
