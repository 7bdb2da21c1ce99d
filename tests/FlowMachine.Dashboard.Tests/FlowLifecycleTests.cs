using System.Text.RegularExpressions;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The on-call path through the dashboard: add seed 000 from YAML, start it, see it wait, push it on, see it finish.</summary>
[Collection(DashboardCollection.Name)]
public sealed class FlowLifecycleTests(DashboardFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task Admin_adds_seed_000_from_yaml_starts_it_watches_it_wait_live_pushes_a_value_and_sees_it_complete()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Routines", Exact = true }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("seed-000");
        await page.GetByLabel("Spec (JSON or YAML)").FillAsync("tasks: [test.One, test.Two, test.Wait, test.Three]\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save routine" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex(@"/routines/seed-000\?version=1$"));
        await Assertions.Expect(page.Locator("svg.dag g.dag-node")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("svg.dag path.dag-edge")).ToHaveCountAsync(3);

        await page.GetByLabel("Input (JSON)").FillAsync("{\"ticket\": \"OPS-42\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start flow" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/flows/[0-9a-f]{32}"));
        var flowUrl = page.Url.Split('?')[0];

        // A marker in the page's JS world: it survives only if the page is never reloaded.
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        var waitNode = page.Locator("svg.dag g.dag-node[data-key='test.Wait']");
        await Assertions.Expect(waitNode).ToHaveAttributeAsync("data-state", "WAITING", new() { Timeout = 30_000 });
        await Assertions.Expect(waitNode).ToHaveClassAsync(new Regex(@"\bstate-waiting\b"));
        Assert.Equal("rgb(255, 246, 220)", await waitNode.Locator("rect").EvaluateAsync<string>("r => getComputedStyle(r).fill"));
        await Assertions.Expect(page.GetByTestId("wait-reason")).ToContainTextAsync("test.Wait");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));

        // Push from a second tab; this tab must turn COMPLETED by itself, still without reloading.
        var pusher = await page.Context.NewPageAsync();
        await pusher.GotoAsync(flowUrl);
        await pusher.GetByLabel("Value (JSON)").First.FillAsync("{not json");
        await Assertions.Expect(pusher.Locator("#push-value + .json-error")).ToContainTextAsync("Not valid JSON");
        await pusher.GetByLabel("Value (JSON)").First.FillAsync("{\"approved\": true}");
        await pusher.GetByRole(AriaRole.Button, new() { Name = "Push value" }).ClickAsync();
        await Assertions.Expect(pusher.GetByRole(AriaRole.Status)).ToContainTextAsync("Value pushed");

        foreach (var key in new[] { "test.One", "test.Two", "test.Wait", "test.Three" })
        {
            await Assertions.Expect(page.Locator($"svg.dag g.dag-node[data-key='{key}']")).ToHaveAttributeAsync("data-state", "COMPLETED", new() { Timeout = 30_000 });
        }

        await Assertions.Expect(page.Locator("#flow-state .badge")).ToHaveTextAsync("COMPLETED");
        await Assertions.Expect(page.Locator("[aria-label='Result of test.Wait']")).ToContainTextAsync("\"approved\": true");
        await Assertions.Expect(page.Locator("table.history")).ToContainTextAsync("step.pushed");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));

        var screenshot = Artifacts.Screenshot("dashboard-flow-completed.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot of the flow page: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // The flows table lists it as COMPLETED.
        await page.GotoAsync("/flows?routine=seed-000");
        await Assertions.Expect(page.Locator("table.flows tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.flows tbody tr .badge")).ToHaveTextAsync("COMPLETED");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task The_overview_counts_flows_by_state_and_shows_the_chart_and_workers()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("ul.counts li")).ToHaveCountAsync(8);
        await Assertions.Expect(page.Locator("svg.chart rect.chart-bar")).ToHaveCountAsync(60);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workers alive" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("this server", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Task types" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "test.Wait" })).ToContainTextAsync("waits for external input");
        await page.Context.CloseAsync();
    }
}
