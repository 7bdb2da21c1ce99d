using System.Text.RegularExpressions;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>Suspend and resume a flow from its page; pause and resume a routine from the routines page.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PausingTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task Admin_suspends_a_waiting_flow_sees_the_badge_and_resumes_it()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await AddRoutineAsync(page, "suspend-me", "tasks: [test.One, test.Wait, test.Three]\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start flow" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/flows/[0-9a-f]{32}"));
        await Assertions.Expect(page.Locator("svg.dag g.dag-node[data-key='test.Wait']")).ToHaveAttributeAsync("data-state", "WAITING", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("flow-suspended")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend flow" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Flow suspended");
        await Assertions.Expect(page.GetByTestId("flow-suspended")).ToHaveTextAsync("suspended");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend flow" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume flow" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Flow resumed");
        await Assertions.Expect(page.GetByTestId("flow-suspended")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend flow" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Admin_pauses_a_routine_on_the_routines_page_and_resumes_it()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await AddRoutineAsync(page, "pause-me", "tasks: [test.One]\n");

        await page.GotoAsync("/routines");
        var row = page.Locator("tr[data-routine='pause-me']");
        await Assertions.Expect(row.GetByTestId("routine-paused")).ToHaveCountAsync(0);
        await row.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/routines$"));
        await Assertions.Expect(row.GetByTestId("routine-paused")).ToHaveTextAsync("paused");

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/routines$"));
        await Assertions.Expect(row.GetByTestId("routine-paused")).ToHaveCountAsync(0);
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_paused_routine_shows_since_when_and_by_whom_on_its_page_and_in_the_badge_title()
    {
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await AddRoutineAsync(page, "paused-by-alice", "tasks: [test.One]\n");
        await Assertions.Expect(page.GetByTestId("routine-paused")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("routine-paused-since")).ToHaveCountAsync(0);

        await page.GotoAsync("/routines");
        var row = page.Locator("tr[data-routine='paused-by-alice']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/routines$"));
        await Assertions.Expect(row.GetByTestId("routine-paused")).ToHaveAttributeAsync("title", new Regex(@"^paused since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by alice$"));

        await page.GotoAsync("/routines/paused-by-alice");
        await Assertions.Expect(page.Locator("h1").GetByTestId("routine-paused")).ToHaveTextAsync("paused");
        await Assertions.Expect(page.GetByTestId("routine-paused-since")).ToContainTextAsync(new Regex(@"paused since .* UTC by alice: its flows are stored but not run"));

        await page.GotoAsync("/routines");
        await row.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/routines$"));
        await page.GotoAsync("/routines/paused-by-alice");
        await Assertions.Expect(page.GetByTestId("routine-paused")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("routine-paused-since")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private static async Task AddRoutineAsync(IPage page, string name, string spec)
    {
        await page.GotoAsync("/routines");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Spec (JSON or YAML)").FillAsync(spec);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save routine" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex($@"/routines/{Regex.Escape(name)}\?version=1$"));
    }
}
