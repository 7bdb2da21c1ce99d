using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace FlowMachine.Server.Tests.Hardening;

/// <summary>
/// Generates malformed and hostile requests from a seeded <see cref="Random"/>. Every request is built to
/// be wrong in at least one way (route, method, key, body, content type or parameter), so the only right
/// answer is a 4xx; none can create or change anything, because flow ids and tokens never exist and no
/// body is a valid routine or flow.
/// </summary>
internal sealed class HostileRequests(int seed, IReadOnlyList<string?> keys, int maxBody)
{
    private static readonly string[] Verbs = ["submit", "push", "cancel", "reset", "position", "events/go"];
    private static readonly string[] OddMethods = ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO", "M-SEARCH", "HEAD"];
    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain", "text/html",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/problem+json", "*/*", "application/json; charset=nope",
    ];

    private static readonly string[] PathTricks =
    [
        "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2f", "%00", "a%00b", "%2f", "%5c..%5c", "..;", "%252e%252e%252f", "%c0%ae%c0%ae%2f", "%ff%fe", "%e2%80%ae",
        "con", "nul", "%20", "%09", "~root", "$(reboot)", "';drop table flows;--", "%7B%7D", "\u00e9\u00e8", "%F0%9F%92%A5", "*", "%2A", ".", "%2e",
    ];

    private static readonly string[] BadJson =
    [
        "", " ", "{", "}", "[", "{\"routine\": ", "{\"routine\":\"x\",}x", "nul", "tru", "{'a':1}", "{\"a\":1}}", "{\"a\" 1}", "\"unterminated", "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\ud800\"}", "{\"name\":\"\\udfff\",\"spec\":[\"\\ud83d\"]}", "{\"a\":01}", "{\"a\":1e999999}", "{\"a\":-}", "NaN", "Infinity", "\u0000", "{\"\u0000\":1}",
        "\uFEFF{", "/* c */ {", "{\"routine\":\"seed000\"} trailing", "[1,2]", "42", "\"text\"", "null", "true", "{\"spec\":{\"tasks\":[{\"key\":\"a\",\"task_type\":\"no.such\"}]}}",
    ];

    private readonly Random random = new(seed);

    public HttpRequestMessage Next(out string description)
    {
        var kind = random.Next(8);
        var request = kind switch
        {
            0 => BadBody(),
            1 => BadPath(),
            2 => BadQuery(),
            3 => OddMethod(),
            4 => BadAuthorization(),
            5 => UnknownRoute(),
            6 => BadResume(),
            _ => WrongTypes(),
        };
        if (kind is not (4 or 6))
        {
            var key = keys[random.Next(keys.Count)];
            if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
        }

        if (random.Next(10) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Junk", RandomAscii(random.Next(1, 2000)));
        }

        description = $"#{kind} {request.Method} {request.RequestUri} ({request.Content?.Headers.ContentType?.ToString() ?? "no body"}, {request.Content?.Headers.ContentLength ?? 0} bytes)";
        return request;
    }

    /// <summary>A POST with a broken body to a route that takes one.</summary>
    private HttpRequestMessage BadBody()
    {
        var path = random.Next(4) switch
        {
            0 => "/api/v1/routines",
            1 => "/api/v1/flows",
            _ => $"/api/v1/flows/{FakeId()}/{Pick(Verbs)}",
        };
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(BrokenBody()) };
    }

    /// <summary>Path tricks and very long or odd ids in every route with an id.</summary>
    private HttpRequestMessage BadPath()
    {
        var id = random.Next(4) switch
        {
            0 => Pick(PathTricks),
            1 => Pick(PathTricks) + FakeId() + Pick(PathTricks),
            2 => new string('a', random.Next(300, 12_000)),
            _ => PercentEncode(RandomUnicode(random.Next(1, 40))),
        };
        var (method, path) = random.Next(7) switch
        {
            0 => (HttpMethod.Get, $"/api/v1/flows/{id}"),
            1 => (HttpMethod.Get, $"/api/v1/flows/{id}/history"),
            2 => (HttpMethod.Get, $"/api/v1/flows/{id}/stream"),
            3 => (HttpMethod.Get, $"/api/v1/routines/{id}"),
            4 => (HttpMethod.Post, $"/api/v1/flows/{id}/{Pick(Verbs)}"),
            5 => (HttpMethod.Post, $"/api/v1/flows/{FakeId()}/events/{id}"),
            _ => (HttpMethod.Get, $"/api/v1/{id}x/flows"), // "x": a bare "." or "%2e" would be normalized away, leaving a valid route
        };
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = Body(random.Next(2) == 0 ? "{}" : BrokenBody());
        }

        return request;
    }

    /// <summary>Query parameters of the wrong type or out of range; at least one is always wrong.</summary>
    private HttpRequestMessage BadQuery()
    {
        string[] wrong =
        [
            $"limit={Pick(["0", "-1", "501", "abc", "1e3", "99999999999", "%00", "", "1.5", "0x10"])}",
            $"state={Pick(["SLEEPING", "running%00", "%e2%80%ae", "COMPLETED;DROP", new string('S', 3000)])}",
            $"after={Pick(["not-a-cursor", "%00", "////", "AAAA", "eyJ9", new string('z', 2000)])}",
        ];
        string[] extra = ["routine=" + PercentEncode(RandomUnicode(5)), "key=%00", "x=1", "limit=5"];
        var parts = new List<string> { Pick(wrong) };
        for (var i = random.Next(3); i > 0; i--)
        {
            parts.Add(Pick(extra));
        }

        var path = random.Next(3) switch
        {
            0 => "/api/v1/flows",
            1 => $"/api/v1/flows/{FakeId()}/history",
            _ => $"/api/v1/routines/{FakeId()}",
        };
        if (path.EndsWith("history", StringComparison.Ordinal) || path.StartsWith("/api/v1/routines/", StringComparison.Ordinal))
        {
            parts.Add(Pick(["after=abc", "limit=abc", "version=two", "version=%00", "limit=0"]));
        }

        return new HttpRequestMessage(HttpMethod.Get, path + "?" + string.Join('&', parts.OrderBy(_ => random.Next())));
    }

    /// <summary>Methods no route takes, on every route.</summary>
    private HttpRequestMessage OddMethod()
    {
        string[] routes =
        [
            "/api/v1/routines", $"/api/v1/routines/{FakeId()}", "/api/v1/tasks", "/api/v1/flows", $"/api/v1/flows/{FakeId()}",
            $"/api/v1/flows/{FakeId()}/history", $"/api/v1/flows/{FakeId()}/stream", $"/api/v1/flows/{FakeId()}/{Pick(Verbs)}",
            $"/api/v1/resume/{FakeId()}", "/healthz", "/metrics", "/openapi/v1.json",
        ];
        var route = Pick(routes);
        var getRoute = route is "/api/v1/tasks" or "/healthz" or "/metrics" or "/openapi/v1.json" || route.EndsWith("history", StringComparison.Ordinal)
            || route.EndsWith("stream", StringComparison.Ordinal) || route.StartsWith("/api/v1/routines/", StringComparison.Ordinal)
            || (route.StartsWith("/api/v1/flows/", StringComparison.Ordinal) && route.Count(c => c == '/') == 4);

        // A POST to a GET-only route is as wrong as any odd method.
        var method = getRoute && random.Next(4) == 0 ? "POST" : Pick(OddMethods);
        var request = new HttpRequestMessage(new HttpMethod(method), route);
        if (method is not ("HEAD" or "TRACE") && random.Next(2) == 0)
        {
            request.Content = Body(BrokenBody());
        }

        return request;
    }

    /// <summary>A missing, malformed or unknown key on a route that needs one (no key is added after this).</summary>
    private HttpRequestMessage BadAuthorization()
    {
        string[] routes = ["/api/v1/routines", "/api/v1/tasks", "/api/v1/flows", $"/api/v1/flows/{FakeId()}", "/metrics"];
        var request = new HttpRequestMessage(random.Next(3) == 0 ? HttpMethod.Post : HttpMethod.Get, Pick(routes));
        if (request.Method == HttpMethod.Post)
        {
            // Valid on its own: only the missing key makes it wrong, and it must not get through.
            request.Content = Body(random.Next(2) == 0 ? "{\"name\":\"fuzz-should-not-exist\",\"spec\":[\"noop\"]}" : "{\"spec\":[\"noop\"]}");
        }

        var header = random.Next(7) switch
        {
            0 => null,
            1 => "Bearer",
            2 => "Bearer " + RandomAscii(random.Next(1, 300)),
            3 => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")),
            4 => "bearer fm_" + new string('x', random.Next(10, 5000)),
            5 => "Bearer fm_test-admin-key-0123456789abcdefghijklmnopqrstuV", // one letter off the admin key
            _ => "Digest " + RandomAscii(20),
        };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        return request;
    }

    private HttpRequestMessage UnknownRoute()
    {
        var path = Pick(["/api/v2/flows", "/api/v1", "/api/v1/", "/api/v1/flowz", "/api/v1/users/x/delete", "/admin", "/.env", "/api/v1/flows/x/y/z/w", "/%2e%2e/%2e%2e/etc/passwd", "/wp-login.php", "/api/v1/routines/a/b"]);
        return new HttpRequestMessage(random.Next(2) == 0 ? HttpMethod.Get : HttpMethod.Post, path + (random.Next(3) == 0 ? "?" + RandomAscii(20).Replace("#", "", StringComparison.Ordinal) : ""));
    }

    /// <summary>Unknown resume tokens, with and without bodies; the route needs no key.</summary>
    private HttpRequestMessage BadResume()
    {
        var token = random.Next(3) switch
        {
            0 => FakeId(),
            1 => Pick(PathTricks),
            _ => new string('t', random.Next(100, 3000)),
        };
        return new HttpRequestMessage(HttpMethod.Post, $"/api/v1/resume/{token}") { Content = Body(random.Next(2) == 0 ? "{\"value\":1}" : BrokenBody()) };
    }

    /// <summary>Well-formed JSON whose fields have the wrong types, are too deep or name nothing that exists.</summary>
    private HttpRequestMessage WrongTypes()
    {
        string[] values = ["1", "-1", "1.5", "true", "null", "[]", "{}", "\"\"", "[[[]]]", "{\"a\":{\"b\":[1]}}", Deep(random.Next(10, 80)), Json(RandomUnicode(random.Next(1, 30)))];
        var routines = new[]
        {
            $"{{\"name\":{Pick(values[..^1])},\"spec\":[\"noop\"]}}", // never a string name: a random one may be valid
            $"{{\"name\":\"fuzz-wrong\",\"spec\":{Pick(values[..^1])}}}",
            $"{{\"name\":\"fuzz wrong\",\"spec\":{{\"tasks\":[\"noop\"]}}}}",
            $"{{\"name\":{Json(RandomUnicode(8))},\"spec\":{{\"tasks\":[{{\"key\":{Pick(values)},\"task_type\":{Pick(values)}}}]}}}}",
        };
        var flows = new[]
        {
            $"{{\"routine\":{Pick(values)}}}",
            $"{{\"routine\":\"no-such-routine-{FakeId()}\",\"input\":{Pick(values)}}}",
            $"{{\"spec\":{Pick(values[..^1])},\"key\":{Pick(values)}}}",
            $"{{\"spec\":{{\"tasks\":[{{\"key\":\"a\",\"task_type\":\"noop\",\"precursors\":[{Pick(values)}]}}]}},\"version\":2}}",
            $"{{\"routine\":\"seed000\",\"version\":{Pick(["0", "-5", "\"two\"", "1.5", "99999999999", "[]"])}}}",
            $"{{\"spec\":{{\"tasks\":[{{\"key\":\"a\",\"task_type\":\"noop\"}}],\"cfg\":{Pick(["1", "[]", "{\"fail_fast\":\"maybe\"}", "{\"retry\":{\"attempts\":-1}}"])}}}}}",
        };
        var commands = new[] { $"{{\"value\":{Pick(values)},\"step\":{Pick(values)}}}", $"{{\"position\":{Pick(values)}}}", $"{{\"args\":{Pick(values)}}}", $"{{\"reason\":{Pick(values)}}}" };
        return random.Next(3) switch
        {
            0 => new HttpRequestMessage(HttpMethod.Post, "/api/v1/routines") { Content = Body(Pick(routines), "application/json") },
            1 => new HttpRequestMessage(HttpMethod.Post, "/api/v1/flows") { Content = Body(Pick(flows), "application/json") },
            _ => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/flows/{FakeId()}/{Pick(Verbs)}") { Content = Body(Pick(commands), "application/json") },
        };
    }

    private string BrokenBody() => random.Next(10) switch
    {
        0 => Deep(random.Next(65, 3000)),
        1 => "{\"name\":\"x\",\"spec\":" + Deep(random.Next(65, 500)) + "}",
        2 => "{\"spec\":\"" + new string('x', maxBody + random.Next(1, 100_000)) + "\"}",
        3 => "{\"name\":" + Json(RandomUnicode(random.Next(1, 200))) + ",\"spec\":" + Json("tasks: [" + RandomUnicode(20) + "]") + "}",
        4 => RandomUnicode(random.Next(1, 500)),
        5 => "{\"spec\":" + Json(":\n  - [" + RandomUnicode(30) + "\n\t- {") + "}",
        _ => Pick(BadJson),
    };

    private ByteArrayContent Body(string text, string? contentType = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (random.Next(12) == 0)
        {
            // Invalid UTF-8: a lone continuation byte and an overlong encoding.
            bytes = [.. bytes, 0x80, 0xC0, 0xAF, (byte)'}'];
        }

        var content = new ByteArrayContent(bytes);
        var type = contentType ?? (random.Next(4) == 0 ? Pick(ContentTypes) : "application/json");
        if (random.Next(20) != 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        return content;
    }

    private static string Deep(int depth) => string.Concat(Enumerable.Repeat("{\"a\":[", depth)) + "1" + string.Concat(Enumerable.Repeat("]}", depth));

    /// <summary>Every UTF-8 byte percent-encoded (lone surrogates become U+FFFD first), so any text fits in a URL.</summary>
    private static string PercentEncode(string text) => string.Concat(Encoding.UTF8.GetBytes(text).Select(b => $"%{b:X2}"));

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private string FakeId() => "fz" + random.Next().ToString("x", CultureInfo.InvariantCulture);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private string RandomAscii(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0x21, 0x7F);
        }

        return new string(chars);
    }

    /// <summary>Control characters, right-to-left marks, emoji halves, lone surrogates, NUL and plain letters.</summary>
    private string RandomUnicode(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(9) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => '\u202E',
                2 => '\uFEFF',
                3 => "\uD83D\uDCA5",
                4 => (char)random.Next(0xD800, 0xE000), // a lone surrogate
                5 => '\0',
                6 => (char)random.Next(0x80, 0x800),
                7 => (char)random.Next(0x4E00, 0x9FFF),
                _ => (char)random.Next('a', 'z' + 1),
            });
        }

        return builder.ToString();
    }
}
