using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Cli;
using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Server;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// The real server (Kestrel on a free loopback port) on PostgreSQL: seed 000 over HTTP, two servers on one
/// database, and resume tokens that only one caller on any server can use.
/// </summary>
public sealed class ServerOnPostgresTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string AdminKey = "fm_pg-admin-key-0123456789abcdefghijklmnopqrstuvwx";
    private const string SeedRoutine = """{"name":"seed000","spec":{"label":"egg","tasks":["test.One","test.Two","test.Wait","test.Three"]}}""";

    private readonly List<WebApplication> apps = [];
    private readonly List<HttpClient> clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        foreach (var app in apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The test database as a postgres:// URL, the form users write.</summary>
    private string Url
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(db.ConnectionString);
            var user = Uri.EscapeDataString(b.Username ?? "postgres") + (string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password));
            return $"postgres://{user}@{b.Host}:{b.Port}/{b.Database}";
        }
    }

    private async Task<HttpClient> StartServerAsync(string database, bool runWorker = true, string? key = AdminKey)
    {
        var options = new FlowMachineServerOptions
        {
            AdminKey = AdminKey,
            ConsoleLogging = false,
            RunWorker = runWorker,
            PollInterval = TimeSpan.FromMilliseconds(200),
        };
        options.Urls.Add("http://127.0.0.1:0");
        var app = FlowMachineServer.Build(options, flowMachine => flowMachine.UsePostgres(database).AddTasks(ExampleTasks.Assembly));
        apps.Add(app);
        await app.StartAsync();
        return Client(FlowMachineServer.Addresses(app)[0], key);
    }

    private HttpClient Client(string address, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        clients.Add(client);
        return client;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<string> StartSeedFlowAsync(HttpClient client)
    {
        var saved = await PostAsync(client, "/api/v1/routines", SeedRoutine);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var started = await PostAsync(client, "/api/v1/flows", """{"routine":"seed000"}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    private static async Task<JsonObject> WaitForStateAsync(HttpClient client, string id, string state, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var flow = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
            if ((string?)flow["state"] == state)
            {
                return flow;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {id} is still {flow["state"]} after {seconds} s: {flow.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    [PostgresFact]
    public async Task Seed_routine_over_http_waits_then_completes_on_push()
    {
        var admin = await StartServerAsync(Url);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);

        var id = await StartSeedFlowAsync(admin);
        var waiting = await WaitForStateAsync(admin, id, "WAITING");
        Assert.Equal("test.Wait", (string?)waiting["steps"]![2]!["taskType"]);
        Assert.Equal("admin", (string?)waiting["owner"]);

        var pushed = await PostAsync(admin, $"/api/v1/flows/{id}/push", """{"value":{"approvedBy":"carol"}}""");
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        var done = await WaitForStateAsync(admin, id, "COMPLETED");
        Assert.Equal("carol", (string?)done["steps"]![2]!["result"]!["approvedBy"]);
        Assert.All(done["steps"]!.AsArray(), s => Assert.Equal("COMPLETED", (string?)s!["state"]));

        // The flow and the admin's key live in PostgreSQL: a wrong key is refused, the right one works anywhere.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(admin.BaseAddress!.ToString(), "fm_never-issued").GetAsync("/api/v1/flows")).StatusCode);
    }

    [PostgresFact]
    public async Task Two_servers_share_one_database_and_a_resume_token_works_once_across_them()
    {
        // Server A only answers the API; server B's worker runs every flow.
        var a = await StartServerAsync(db.ConnectionString, runWorker: false);
        var b = await StartServerAsync(Url);
        var anonymousA = Client(a.BaseAddress!.ToString(), null);
        var anonymousB = Client(b.BaseAddress!.ToString(), null);

        var id = await StartSeedFlowAsync(a);
        var waiting = await WaitForStateAsync(a, id, "WAITING");
        var token = ((string)waiting["resumeUrl"]!).Split('/')[^1];

        var first = await PostAsync(anonymousA, $"/api/v1/resume/{token}", """{"value":"from A"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var second = await PostAsync(anonymousB, $"/api/v1/resume/{token}", """{"value":"from B"}""");
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);

        // B's worker applies the push that A accepted.
        var done = await WaitForStateAsync(b, id, "COMPLETED");
        Assert.Equal("from A", (string?)done["steps"]![2]!["result"]);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(anonymousA, $"/api/v1/resume/{token}", "{}")).StatusCode);
    }

    [PostgresFact]
    public async Task Concurrent_resume_requests_on_two_servers_make_one_push()
    {
        var a = await StartServerAsync(db.ConnectionString);
        var b = await StartServerAsync(db.ConnectionString);
        var anonymous = new[] { Client(a.BaseAddress!.ToString(), null), Client(b.BaseAddress!.ToString(), null) };

        var id = await StartSeedFlowAsync(a);
        var token = ((string)(await WaitForStateAsync(a, id, "WAITING"))["resumeUrl"]!).Split('/')[^1];

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PostAsync(anonymous[i % 2], $"/api/v1/resume/{token}", $$"""{"value":{{i}}}""")));
        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(7, answers.Count(r => r.StatusCode == HttpStatusCode.NotFound));

        await WaitForStateAsync(b, id, "COMPLETED");
        var history = (await b.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{id}/history"))!;
        Assert.Single(history, e => (string?)e!["kind"] == "step.pushed");
    }

    [PostgresFact]
    public async Task Serve_and_users_add_on_a_postgres_url()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var added = await CliApp.RunAsync(["users", "add", "erin", "--db", Url], stdout, stderr, CancellationToken.None);
        Assert.True(added == 0, stderr.ToString());
        var key = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single(l => l.StartsWith("fm_", StringComparison.Ordinal));

        using var serveOut = new StringWriter();
        var serveErr = new StringWriter();
        using var stop = new CancellationTokenSource();
        Environment.SetEnvironmentVariable(FlowMachineServerOptions.AdminKeyVariable, null);
        var serving = CliApp.RunAsync(["serve", "--db", Url, "--urls", "http://127.0.0.1:0"], serveOut, TextWriter.Synchronized(serveErr), stop.Token);
        try
        {
            string? address = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (address is null)
            {
                Assert.False(serving.IsCompleted, serveErr.ToString());
                Assert.True(DateTime.UtcNow < deadline, "serve did not start: " + serveErr);
                await Task.Delay(50);
                address = serveErr.ToString().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("listening on ", StringComparison.Ordinal))?["listening on ".Length..];
            }

            Assert.DoesNotContain(Url, serveErr.ToString(), StringComparison.Ordinal); // the URL may hold a password
            var erin = Client(address, key);
            Assert.Equal(HttpStatusCode.OK, (await erin.GetAsync("/api/v1/flows")).StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
            await serving;
        }
    }
}
