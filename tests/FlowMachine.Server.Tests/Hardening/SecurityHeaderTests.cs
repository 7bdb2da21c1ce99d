using System.Net;
using System.Text;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests.Hardening;

/// <summary>Every response carries the security headers; bodiless errors from routing become ProblemDetails.</summary>
public sealed class SecurityHeaderTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, bool, int> Cases => new()
    {
        { "GET", "/api/v1/tasks", true, 200 },
        { "GET", "/api/v1/flows", true, 200 },
        { "GET", "/api/v1/flows", false, 401 },
        { "GET", "/api/v1/flows/nope", true, 404 },
        { "POST", "/api/v1/flows", true, 400 },
        { "GET", "/healthz", false, 200 },
        { "GET", "/metrics", true, 200 },
        { "GET", "/no/such/route", false, 404 },
        { "DELETE", "/api/v1/flows", true, 405 },
        { "PUT", "/api/v1/routines/x", true, 405 },
        { "POST", "/api/v1/resume/unknown-token", false, 404 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_response_carries_the_security_headers(string method, string path, bool withKey, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await (withKey ? server.Admin : server.Anonymous).SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    [Theory]
    [InlineData("DELETE", "/api/v1/flows", 405)]
    [InlineData("PATCH", "/api/v1/tasks", 405)]
    [InlineData("GET", "/api/v2/flows", 404)]
    [InlineData("GET", "/api/v1/flows/x/y/z", 404)]
    public async Task Routing_errors_without_a_body_become_problems(string method, string path, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await server.Admin.SendAsync(request);
        await response.AssertProblemAsync((HttpStatusCode)status);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;
}
