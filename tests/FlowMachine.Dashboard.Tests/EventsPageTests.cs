using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The Events page: the flows waiting by event and key, the kept events, a filter by name and key, and a form that raises an event by key.</summary>
[Collection(DashboardCollection.Name)]
public sealed class EventsPageTests(DashboardFixture fixture)
{
    private EventVerbs Events => fixture.App.Services.GetRequiredService<EventVerbs>();

    [BrowserFact]
    public async Task A_waiting_flow_is_listed_and_the_raise_form_resumes_it_and_keeps_the_event_for_its_owner_only()
    {
        using var api = fixture.Api(fixture.AliceKey);
        var started = await api.PostAsJsonAsync("/api/v1/flows", JsonNode.Parse("""
            {"spec":{"tasks":[{"key":"packed","task_type":"wait","task_params":{"event":"ui.packed","key":"$input.order"}},{"key":"after","task_type":"noop"}]},
             "input":{"order":"ui-K1"}}
            """));
        var id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var admin = new Caller("admin", IsAdmin: true);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Events.ListAsync(admin, "ui.packed", "ui-K1", 10, default)).Waiting.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the flow never waited for ui.packed with key ui-K1");
            await Task.Delay(50);
        }

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Events", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Events", Exact = true })).ToBeVisibleAsync();
        var waiting = page.GetByRole(AriaRole.Table, new() { Name = "Flows waiting by event and key" }).Locator($"tr[data-flow='{id}']");
        await Assertions.Expect(waiting).ToContainTextAsync("packed");
        await Assertions.Expect(waiting).ToContainTextAsync("ui.packed");
        await Assertions.Expect(waiting).ToContainTextAsync("ui-K1");
        await Assertions.Expect(waiting.GetByRole(AriaRole.Link, new() { Name = id })).ToHaveAttributeAsync("href", $"/flows/{id}");

        var form = page.GetByRole(AriaRole.Form, new() { Name = "Raise an event by key" });
        await form.GetByLabel("Event name").FillAsync("ui.packed");
        await form.GetByLabel("Key", new() { Exact = true }).FillAsync("ui-K1");
        await form.GetByLabel("Value (JSON)").FillAsync("""{"box": 2}""");
        await form.GetByLabel("Id (optional", new() { Exact = false }).FillAsync("ui-msg-1");
        await form.GetByRole(AriaRole.Button, new() { Name = "Raise event" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("reached 1 waiting flow(s)");
        var kept = page.GetByRole(AriaRole.Table, new() { Name = "Kept events" }).Locator("tr[data-event='ui.packed'][data-key='ui-K1']");
        await Assertions.Expect(kept).ToContainTextAsync("""{"box":2}""");
        await Assertions.Expect(kept).ToContainTextAsync("ui-msg-1");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Flows waiting by event and key" }).Locator($"tr[data-flow='{id}']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("dashboard-events.png"), FullPage = true });

        // The same id again does nothing, and says so.
        form = page.GetByRole(AriaRole.Form, new() { Name = "Raise an event by key" });
        await form.GetByLabel("Event name").FillAsync("ui.packed");
        await form.GetByLabel("Key", new() { Exact = true }).FillAsync("ui-K1");
        await form.GetByLabel("Id (optional", new() { Exact = false }).FillAsync("ui-msg-1");
        await form.GetByRole(AriaRole.Button, new() { Name = "Raise event" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("seen before");

        // The flow took the value and finished.
        deadline = DateTime.UtcNow.AddSeconds(30);
        JsonObject flow;
        while ((string?)(flow = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!)["state"] != "COMPLETED")
        {
            Assert.True(DateTime.UtcNow < deadline, "the flow never completed");
            await Task.Delay(50);
        }

        // The filter narrows both lists: another name shows nothing.
        var filter = page.GetByRole(AriaRole.Search, new() { Name = "Filter events" });
        await filter.GetByLabel("Name").FillAsync("ui.other");
        await filter.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new System.Text.RegularExpressions.Regex(@"/events\?name=ui\.other"));
        await Assertions.Expect(page.GetByText("No kept events.")).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        // Bob does not see Alice's event.
        var bob = await fixture.SignInAsync(fixture.BobKey);
        await bob.GotoAsync("/events?key=ui-K1");
        await Assertions.Expect(bob.GetByText("No kept events.")).ToBeVisibleAsync();
        await Assertions.Expect(bob.GetByText("No flow waits for an event by key.")).ToBeVisibleAsync();
        await bob.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_raise_without_a_key_or_with_a_bad_token_is_refused()
    {
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/events");
        var token = page.Locator("form.signout input[type='hidden']");
        var tokenName = (await token.GetAttributeAsync("name"))!;
        var form = page.APIRequest.CreateFormData().Set(tokenName, (await token.GetAttributeAsync("value"))!).Set("name", "ui.nokey");
        var refused = await page.APIRequest.PostAsync("/events", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, refused.Status);
        Assert.Contains("correlation key", await refused.TextAsync(), StringComparison.Ordinal);

        var forged = page.APIRequest.CreateFormData().Set(tokenName, "forged").Set("name", "ui.nokey").Set("key", "k");
        Assert.NotEqual(302, (await page.APIRequest.PostAsync("/events", new() { Form = forged, MaxRedirects = 0 })).Status);
        Assert.Empty((await Events.ListAsync(new Caller("admin", IsAdmin: true), "ui.nokey", null, 10, default)).Kept);
        await page.Context.CloseAsync();
    }
}
