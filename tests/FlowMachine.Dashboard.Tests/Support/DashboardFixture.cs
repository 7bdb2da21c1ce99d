using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Server;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests.Support;

/// <summary>
/// A real server (Kestrel on a free loopback port, a temp SQLite file, the seeds' example tasks) with the
/// admin, alice and bob, and one headless Debian Chromium driven by Playwright, shared by the tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string AdminKey = "fm_dashboard-admin-key-0123456789abcdefghijklmnop";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "flowmachine-dashboard-tests", Guid.NewGuid().ToString("N"));
    private IPlaywright? playwright;
    private IBrowser? browser;

    public WebApplication App { get; private set; } = null!;

    public string BaseUrl { get; private set; } = null!;

    public string AliceKey { get; private set; } = null!;

    public string BobKey { get; private set; } = null!;

    public IBrowser Browser => browser ?? throw new InvalidOperationException(
        $"Chromium is not available at {Support.Browser.ExecutablePath}; run 'source .ci/setup-chromium.sh'.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        var options = new FlowMachineServerOptions
        {
            AdminKey = AdminKey,
            ConsoleLogging = false,
            PollInterval = TimeSpan.FromMilliseconds(50),
            StreamRecheckInterval = TimeSpan.FromMilliseconds(500),
        };
        options.Urls.Add("http://127.0.0.1:0");
        App = FlowMachineServer.Build(options, flowMachine => flowMachine.UseSqlite(Path.Combine(folder, "dashboard.db")).AddTasks(ExampleTasks.Assembly));
        await App.StartAsync();
        BaseUrl = FlowMachineServer.Addresses(App)[0].TrimEnd('/');
        var users = App.Services.GetRequiredService<IUserStore>();
        AliceKey = await UserAccounts.AddUserAsync(users, "alice", isAdmin: false, DateTimeOffset.UtcNow);
        BobKey = await UserAccounts.AddUserAsync(users, "bob", isAdmin: false, DateTimeOffset.UtcNow);

        if (Support.Browser.IsInstalled || Support.Browser.Required)
        {
            // In CI a missing browser throws here, and every browser test fails with the reason.
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Support.Browser.ExecutablePath,
                Headless = true,
                Args = Support.Browser.Args,
                Timeout = 60_000,
            });
        }
    }

    /// <summary>A fresh browser context (own cookies) signed in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignInAsync(string key)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // Generous: the first page of a cold server and browser on a busy 2-core CI machine can take seconds.
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await PageAddress.ExpectAsync(page, BaseUrl + "/");
        return page;
    }

    /// <summary>An API client with a bearer key, for setting up flows the way other programs would.</summary>
    public HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Starts a flow of <paramref name="body"/> (a start request as JSON) and waits until it waits for a worker of another pool; its id.</summary>
    public static async Task<string> StartWaitingForWorkerAsync(HttpClient api, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var started = await api.PostAsync("/api/v1/flows", content);
        var id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!["waitingForWorker"] is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the flow never waited for a worker");
            await Task.Delay(50);
        }

        return id;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
