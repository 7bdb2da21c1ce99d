using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Server;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Client.Tests.Support;

/// <summary>The FlowMachine server on the ASP.NET test server (a real SQLite file, the sample tasks) and clients over it.</summary>
public sealed class TestServerFixture : IAsyncLifetime
{
    public const string AdminKey = "fm_client-test-admin-key-0123456789abcdefghijklmn";

    private readonly string folder = Directory.CreateTempSubdirectory("fm-client-").FullName;
    private readonly List<ServiceProvider> providers = [];

    public WebApplication App { get; private set; } = null!;

    public string AliceKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new FlowMachineServerOptions
        {
            AdminKey = AdminKey,
            ConsoleLogging = false,
            PollInterval = TimeSpan.FromMilliseconds(50),
            MaxRequestBodyBytes = 16 * 1024,
        };
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddFlowMachineServer(options, flowMachine => flowMachine.UseSqlite(Path.Combine(folder, "server.db")).AddTasks(ExampleTasks.Assembly));
        App = builder.Build();
        App.UseFlowMachineServer();
        App.MapFlowMachine();
        await App.StartAsync();
        AliceKey = await UserAccounts.AddUserAsync(App.Services.GetRequiredService<IUserStore>(), "alice", isAdmin: false, DateTimeOffset.UtcNow);
    }

    /// <summary>A client with <paramref name="key"/> whose requests go to the test server.</summary>
    public IFlowMachineClient Client(string? key = AdminKey, Action<FlowMachineClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddFlowMachineClient(o =>
        {
            o.BaseAddress = new Uri("http://localhost");
            o.ApiKey = key;
            configure?.Invoke(o);
        }).ConfigurePrimaryHttpMessageHandler(() => App.GetTestServer().CreateHandler());
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<IFlowMachineClient>();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test.
        }
    }
}
