using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FlowMachine.Server.Tests.Hardening;

/// <summary>
/// Thousands of malformed and hostile requests against the real server: every answer is a 4xx, with a
/// ProblemDetails body whenever there is a body; none is a 5xx; nothing in the store changes.
/// </summary>
public sealed class ApiFuzzTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const int Requests = 1000;

    [Theory]
    [InlineData(82026)]
    [InlineData(1337)]
    [InlineData(4242)]
    public async Task A_thousand_hostile_requests_get_4xx_problems_and_change_nothing(int seed)
    {
        var aliceKey = await AliceKeyAsync(seed);
        var before = await SnapshotAsync();
        var generator = new HostileRequests(seed, [null, ServerFixture.AdminKey, aliceKey, "fm_not-a-real-key"], maxBody: 64 * 1024);
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var bodiless = 0;
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        for (var i = 0; i < Requests; i++)
        {
            using var request = generator.Next(out var description);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (HttpRequestException ex)
            {
                // Kestrel may close the connection on a request it refuses outright (a huge body it will not read); that is a refusal too.
                statuses[0] = statuses.GetValueOrDefault(0) + 1;
                if (ex.InnerException is not IOException)
                {
                    failures.Add($"{description}: {ex.Message}");
                }

                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                if (status is < 400 or >= 500)
                {
                    failures.Add($"{description}: {status} {Short(body)}");
                    continue;
                }

                if (body.Length == 0)
                {
                    bodiless++; // Kestrel's own refusals (414, 431, a bad request line) and HEAD carry no body
                    continue;
                }

                var problem = ProblemOf(response, body, status);
                if (problem is not null)
                {
                    failures.Add($"{description}: {status} {problem}: {Short(body)}");
                }
            }
        }

        output.WriteLine($"seed {seed}: {Requests} requests in {clock.Elapsed.TotalSeconds:F1} s; statuses: {string.Join(", ", statuses.Select(s => $"{(s.Key == 0 ? "closed" : s.Key)}={s.Value}"))}; {bodiless} without a body");
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers:\n" + string.Join("\n", failures.Take(30)));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>What is wrong with a 4xx body, or null when it is a proper ProblemDetails.</summary>
    private static string? ProblemOf(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type {response.Content.Headers.ContentType}";
        }

        JsonObject? problem;
        try
        {
            problem = JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return "a body that is not JSON";
        }

        if (problem?["status"] is not JsonValue value || (int)value != status)
        {
            return "no matching status in the body";
        }

        return body.Contains("Exception", StringComparison.Ordinal) || body.Contains("   at ", StringComparison.Ordinal) ? "internals in the body" : null;
    }

    private static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private async Task<string> AliceKeyAsync(int seed) =>
        await FlowMachine.Users.UserAccounts.AddUserAsync(server.App.Services.GetRequiredService<IUserStore>(), $"fuzz-alice-{seed}", isAdmin: false, DateTimeOffset.UtcNow);

    /// <summary>Flows by state, routines with versions, and users: what no refused request may change.</summary>
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
