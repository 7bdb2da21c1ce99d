using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Tests.Support;

/// <summary>
/// A real server (Kestrel on a free loopback port, a real SQLite file) with three users: the admin,
/// alice and bob; an HTTP client for each, one without a key and one with a wrong key.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string AdminKey = "fm_test-admin-key-0123456789abcdefghijklmnopqrstuv";

    private readonly TempFolder folder = new();
    private readonly List<HttpClient> clients = [];

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public HttpClient WrongKey { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Alice { get; private set; } = null!;

    public HttpClient Bob { get; private set; } = null!;

    public string DbPath => folder.File("server.db");

    public async Task InitializeAsync()
    {
        var options = new FlowMachineServerOptions
        {
            AdminKey = AdminKey,
            ConsoleLogging = false,
            PollInterval = TimeSpan.FromMilliseconds(50),
            MaxRequestBodyBytes = 64 * 1024,
        };
        options.Urls.Add("http://127.0.0.1:0");
        App = FlowMachineServer.Build(options, flowMachine => flowMachine.UseSqlite(DbPath).AddTasks(ExampleTasks.Assembly));
        await App.StartAsync();
        BaseAddress = new Uri(FlowMachineServer.Addresses(App)[0]);

        var users = App.Services.GetRequiredService<IUserStore>();
        var aliceKey = await UserAccounts.AddUserAsync(users, "alice", isAdmin: false, DateTimeOffset.UtcNow);
        var bobKey = await UserAccounts.AddUserAsync(users, "bob", isAdmin: false, DateTimeOffset.UtcNow);
        Anonymous = Client(null);
        WrongKey = Client("fm_this-key-was-never-issued");
        Admin = Client(AdminKey);
        Alice = Client(aliceKey);
        Bob = Client(bobKey);
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        clients.Add(client);
        return client;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        folder.Dispose();
    }

    /// <summary>Polls the flow until <paramref name="until"/> holds.</summary>
    public static async Task<JsonObject> WaitForAsync(HttpClient client, string flowId, Func<JsonObject, bool> until, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var flow = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{flowId}"))!;
            if (until(flow))
            {
                return flow;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"flow {flowId} is still {flow["state"]} after {seconds} s: {flow.ToJsonString()}");
            }

            await Task.Delay(25);
        }
    }

    public static Task<JsonObject> WaitForStateAsync(HttpClient client, string flowId, string state, double seconds = 30) =>
        WaitForAsync(client, flowId, f => (string?)f["state"] == state, seconds);
}
