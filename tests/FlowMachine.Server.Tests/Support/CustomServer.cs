using System.Net.Http.Headers;
using FlowMachine.BuiltIns;
using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowMachine.Server.Tests.Support;

/// <summary>
/// A real server like <see cref="FlowMachineServer.Build"/> makes, with the test's own settings, a log
/// provider that sees everything (Trace level), and optionally extra task types.
/// </summary>
internal sealed class CustomServer : IAsyncDisposable
{
    private readonly TempFolder folder = new();

    private CustomServer()
    {
    }

    public WebApplication App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(FlowMachineServer.Addresses(App)[0]), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public static async Task<CustomServer> StartAsync(Action<FlowMachineServerOptions>? configure = null, ILoggerProvider? logs = null, Action<TaskRegistry>? tasks = null)
    {
        var server = new CustomServer();
        var options = new FlowMachineServerOptions
        {
            AdminKey = ServerFixture.AdminKey,
            PollInterval = TimeSpan.FromMilliseconds(50),
            ConsoleLogging = false,
        };
        options.Urls.Add("http://127.0.0.1:0");
        configure?.Invoke(options);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        if (tasks is not null)
        {
            // Registered first: the server's own registration only adds one when none exists.
            var registry = new TaskRegistry().AddBuiltIns().RegisterAssembly(ExampleTasks.Assembly);
            tasks(registry);
            builder.Services.AddSingleton(registry);
        }

        builder.Services.AddFlowMachineServer(options, flowMachine => flowMachine.UseSqlite(server.folder.File("server.db")).AddTasks(ExampleTasks.Assembly));
        server.App = builder.Build();
        server.App.UseFlowMachineServer();
        server.App.MapFlowMachine();
        await server.App.StartAsync();
        server.Admin = server.Client(ServerFixture.AdminKey);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        folder.Dispose();
    }
}
