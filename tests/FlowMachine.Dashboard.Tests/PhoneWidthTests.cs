using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Hooks;
using FlowMachine.Operations;
using FlowMachine.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FlowMachine.Dashboard.Tests;

/// <summary>
/// Every page at phone width (390 px, and 360 px for the widest content): nothing wider than the screen,
/// the menu opens to show every link and Sign out, and tables scroll sideways inside their own box.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PhoneWidthTests(DashboardFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task Every_page_fits_a_390_px_phone_with_a_menu_that_opens_and_tables_that_scroll_in_their_box()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var saved = await api.PostAsJsonAsync("/api/v1/routines", new { name = "phone-routine-with-a-rather-long-name", spec = "tasks: [test.One, test.Two, test.Wait, test.Three]" });
        saved.EnsureSuccessStatusCode();
        var waiting = await FlowPageTests.StartAsync(api, "tasks: [test.One, test.Two, test.Wait, test.Three]", key: "phone-" + Guid.NewGuid().ToString("N"));
        var failed = await FlowPageTests.StartAsync(api, """{"tasks":[{"key":"boom","task_type":"fail","task_params":{"error":"a long error message that goes on and on to make the failures table on the overview wider than a phone screen"}}]}""");
        var schedule = new ScheduleDefinition { Routine = "phone-routine-with-a-rather-long-name", Cron = "30 2 * * *", TimeZone = "America/New_York" };
        Assert.True((await fixture.App.Services.GetRequiredService<ScheduleVerbs>().DeclareAsync("phone-schedule-with-a-rather-long-name", schedule, "admin")).Succeeded);
        var hook = new HookRequest("phone-hook-with-a-rather-long-name", new HookStart("phone-routine-with-a-rather-long-name", new Dictionary<string, string> { ["order"] = "$body.order.id" }, "$body.order.id"));
        Assert.Equal(HookOutcome.Done, (await fixture.App.Services.GetRequiredService<HookVerbs>().CreateAsync(new Caller("admin", IsAdmin: true), hook)).Outcome);
        await FlowPageTests.WaitForStateAsync(api, waiting, "WAITING");
        await FlowPageTests.WaitForStateAsync(api, failed, "FAILED");

        foreach (var width in new[] { 390, 360 })
        {
            var page = await SignInAtAsync(width);
            foreach (var path in new[] { "/", "/flows", $"/flows/{waiting}", $"/flows/{failed}", "/routines", "/routines/phone-routine-with-a-rather-long-name", "/schedules", "/schedules/phone-schedule-with-a-rather-long-name", "/hooks", "/tasks", "/users" })
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
                var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                Assert.True(pageWidth <= width, $"{path} is {pageWidth} px wide at {width} px");

                // Tables, code and the DAG keep their width, but scroll inside a box no wider than the screen.
                var wideBoxes = await page.EvaluateAsync<string[]>("""
                    w => Array.from(document.querySelectorAll("main table, main pre, main .dag-wrap, main svg:not(.dag)"))
                      .filter(e => e.getBoundingClientRect().right > w + 0.5)
                      .map(e => e.tagName + "." + e.className.baseVal + e.className)
                    """, width);
                Assert.True(wideBoxes.Length == 0, $"{path} at {width} px: {string.Join(", ", wideBoxes)} stick out");

                // The menu is closed at first and opens to show every link and Sign out on the screen.
                var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
                await Assertions.Expect(menu).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Task types", Exact = true })).ToBeHiddenAsync();
                await menu.ClickAsync();
                await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
                foreach (var name in new[] { "Overview", "Flows", "Routines", "Schedules", "Hooks", "Task types", "Users" })
                {
                    await AssertOnScreenAsync(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }), width, path);
                }

                await AssertOnScreenAsync(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }), width, path);
                await AssertOnScreenAsync(page.GetByTestId("user"), width, path);
            }

            var screenshot = Artifacts.Screenshot($"dashboard-phone-{width}.png");
            await page.GotoAsync($"/flows/{waiting}");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            output.WriteLine($"Screenshot at {width} px: {screenshot}");
            await page.Context.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task At_desktop_width_the_menu_button_is_hidden_and_the_links_show()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Task types" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignInAtAsync(int width)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = 800 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
        });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        var signInWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(signInWidth <= width, $"/signin is {signInWidth} px wide at {width} px");
        await page.GetByLabel("API key").FillAsync(DashboardFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await PageAddress.ExpectAsync(page, fixture.BaseUrl + "/");
        return page;
    }

    private static async Task AssertOnScreenAsync(ILocator element, int width, string path)
    {
        await Assertions.Expect(element).ToBeVisibleAsync();
        var box = await element.BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= width + 0.5, $"{path}: an element is off-screen at {width} px ({box?.X} + {box?.Width})");
    }
}
