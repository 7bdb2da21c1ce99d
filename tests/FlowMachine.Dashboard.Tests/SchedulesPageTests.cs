using System.Globalization;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Operations;
using FlowMachine.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The Schedules page: each schedule with its words and next fire; pause, resume and trigger for its owner and admins only; a flow links back to its schedule.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SchedulesPageTests(DashboardFixture fixture)
{
    // Starting tomorrow, so no schedule fires by itself while a test looks at it.
    private static DateTimeOffset Later => DateTimeOffset.UtcNow.AddDays(1);

    private ScheduleVerbs Schedules => fixture.App.Services.GetRequiredService<ScheduleVerbs>();

    [BrowserFact]
    public async Task A_schedule_shows_its_words_and_next_fire_and_pause_then_resume_change_what_is_shown()
    {
        var created = await AddAsync("ui-nightly", "alice", new ScheduleDefinition { Spec = Spec(), Cron = "30 2 * * *", TimeZone = "Europe/Berlin", StartAt = Later });
        var next = created.NextFireTimes[0].UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Schedules", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Schedules", Exact = true })).ToBeVisibleAsync();
        var row = page.Locator("tr[data-schedule='ui-nightly']");
        await Assertions.Expect(row.GetByTestId("schedule-words")).ToHaveTextAsync(created.Description);
        Assert.Contains("02:30", created.Description, StringComparison.Ordinal);
        await Assertions.Expect(row.GetByTestId("schedule-raw")).ToHaveTextAsync("cron 30 2 * * *");
        await Assertions.Expect(row).ToContainTextAsync("Europe/Berlin");
        await Assertions.Expect(row.GetByTestId("schedule-next")).ToContainTextAsync(next);
        await Assertions.Expect(row).ToContainTextAsync("inline spec");
        await Assertions.Expect(row.GetByTestId("schedule-active")).ToBeVisibleAsync();

        await row.GetByLabel("Why pause ui-nightly").FillAsync("database upgrade <tonight>");
        await row.GetByRole(AriaRole.Button, new() { Name = "Pause ui-nightly" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("ui-nightly paused");
        row = page.Locator("tr[data-schedule='ui-nightly']");
        await Assertions.Expect(row.GetByTestId("schedule-paused")).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("database upgrade <tonight>");
        await Assertions.Expect(row.GetByTestId("schedule-next")).ToHaveTextAsync("paused");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Pause ui-nightly" })).ToHaveCountAsync(0);
        var paused = await Schedules.GetAsync("ui-nightly");
        Assert.True(paused!.Paused);
        Assert.Equal("database upgrade <tonight>", paused.Note);

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume ui-nightly" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("ui-nightly resumed");
        row = page.Locator("tr[data-schedule='ui-nightly']");
        await Assertions.Expect(row.GetByTestId("schedule-active")).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("schedule-next")).ToContainTextAsync(next);
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Resume ui-nightly" })).ToHaveCountAsync(0);
        Assert.False((await Schedules.GetAsync("ui-nightly"))!.Paused);

        // A note longer than 500 characters is refused, and the schedule stays active.
        var token = page.Locator("form.signout input[type='hidden']");
        var form = page.APIRequest.CreateFormData().Set((await token.GetAttributeAsync("name"))!, (await token.GetAttributeAsync("value"))!).Set("note", new string('n', 501));
        Assert.Equal(400, (await page.APIRequest.PostAsync("/schedules/ui-nightly/pause", new() { Form = form, MaxRedirects = 0 })).Status);
        Assert.False((await Schedules.GetAsync("ui-nightly"))!.Paused);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Trigger_starts_a_flow_whose_page_links_back_to_its_schedule()
    {
        await AddAsync("ui-hourly", "alice", new ScheduleDefinition { Spec = Spec(), Every = TimeSpan.FromHours(1), StartAt = Later });

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/schedules");
        var row = page.Locator("tr[data-schedule='ui-hourly']");
        await Assertions.Expect(row).ToContainTextAsync("none yet");
        await Assertions.Expect(row.GetByTestId("schedule-raw")).ToHaveTextAsync("every 1h");
        await row.GetByRole(AriaRole.Button, new() { Name = "Trigger ui-hourly now" }).ClickAsync();
        var notice = page.GetByRole(AriaRole.Status);
        await Assertions.Expect(notice).ToContainTextAsync("ui-hourly started flow");
        var flowId = (await notice.GetByRole(AriaRole.Link).TextContentAsync())!.Trim();
        var last = (await Schedules.GetAsync("ui-hourly"))!;
        Assert.Equal(flowId, last.LastFlowId);
        await Assertions.Expect(page.Locator("tr[data-schedule='ui-hourly']")).ToContainTextAsync(flowId);
        await page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("dashboard-schedules.png"), FullPage = true });

        await notice.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByTestId("flow-id")).ToHaveTextAsync(flowId);
        await Assertions.Expect(page.Locator("#flow-state .badge")).ToHaveTextAsync("COMPLETED", new() { Timeout = 30_000 });
        var link = page.GetByTestId("flow-schedule").GetByRole(AriaRole.Link, new() { Name = "ui-hourly" });
        await Assertions.Expect(page.GetByTestId("flow-schedule")).ToContainTextAsync("slot " + last.LastSlot!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));

        await link.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ui-hourly" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Next fire times").Locator("li")).ToHaveCountAsync(10);
        var flowRow = page.GetByRole(AriaRole.Table, new() { Name = "Latest flows" }).Locator($"tr[data-flow-id='{flowId}']");
        await Assertions.Expect(flowRow).ToContainTextAsync("COMPLETED");
        await page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("dashboard-schedule.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Someone_who_neither_owns_a_schedule_nor_is_an_admin_sees_it_without_buttons_and_may_not_post()
    {
        await AddAsync("ui-alices", "alice", new ScheduleDefinition { Spec = Spec(), Cron = "0 * * * *", StartAt = Later });

        var bob = await fixture.SignInAsync(fixture.BobKey);
        await bob.GotoAsync("/schedules");
        var row = bob.Locator("tr[data-schedule='ui-alices']");
        await Assertions.Expect(row.GetByTestId("schedule-words")).ToHaveTextAsync("every hour at minute 0");
        await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await bob.GotoAsync("/schedules/ui-alices");
        await Assertions.Expect(bob.GetByLabel("Next fire times").Locator("li")).ToHaveCountAsync(10);
        await Assertions.Expect(bob.Locator("main").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        // A post bob forges with his own session and token is refused, and the schedule stays as it was.
        var token = bob.Locator("form.signout input[type='hidden']");
        var form = bob.APIRequest.CreateFormData().Set((await token.GetAttributeAsync("name"))!, (await token.GetAttributeAsync("value"))!);
        Assert.Equal(403, (await bob.APIRequest.PostAsync("/schedules/ui-alices/pause", new() { Form = form, MaxRedirects = 0 })).Status);
        Assert.Equal(403, (await bob.APIRequest.PostAsync("/schedules/ui-alices/trigger", new() { Form = form, MaxRedirects = 0 })).Status);
        Assert.Equal(400, (await bob.APIRequest.PostAsync("/schedules/ui-alices/pause", new() { Form = bob.APIRequest.CreateFormData().Set("note", "no token"), MaxRedirects = 0 })).Status);
        Assert.Equal(404, (await bob.APIRequest.PostAsync("/schedules/no-such-schedule/pause", new() { Form = form, MaxRedirects = 0 })).Status);
        Assert.Equal(404, (await bob.GotoAsync("/schedules/no-such-schedule"))!.Status);
        var after = (await Schedules.GetAsync("ui-alices"))!;
        Assert.False(after.Paused);
        Assert.Null(after.LastFlowId);

        // An admin, who does not own it either, may change it.
        var admin = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await admin.GotoAsync("/schedules");
        await Assertions.Expect(admin.Locator("tr[data-schedule='ui-alices']").GetByRole(AriaRole.Button, new() { Name = "Pause ui-alices" })).ToHaveCountAsync(1);
        await bob.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    private static JsonObject Spec() => new() { ["tasks"] = new JsonArray("test.One") };

    private async Task<ScheduleDocument> AddAsync(string name, string owner, ScheduleDefinition definition)
    {
        var result = await Schedules.AddAsync(name, definition, paused: false, note: null, owner);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return result.Schedule!;
    }
}
