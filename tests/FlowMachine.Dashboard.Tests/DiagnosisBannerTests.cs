using System.Text.RegularExpressions;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>A flow no worker can run is listed under "Needs attention" on the overview, and its page says why it is not moving.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DiagnosisBannerTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task A_flow_no_worker_serves_needs_attention_and_its_page_says_why_it_is_not_moving()
    {
        using var api = fixture.Api(fixture.AliceKey);
        var id = await DashboardFixture.StartWaitingForWorkerAsync(api, """{"spec":{"label":"lost-in-space","tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","queue":"dark-side"}]}}""");

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/");
        var attention = page.GetByTestId("needs-attention");
        await Assertions.Expect(attention).ToContainTextAsync("no live worker serves queue dark-side with task type noop");
        await attention.GetByRole(AriaRole.Link, new() { Name = "lost-in-space" }).First.ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex($"/flows/{Regex.Escape(id)}$"));

        var banner = page.GetByTestId("diagnosis");
        await Assertions.Expect(banner).ToHaveAttributeAsync("data-kind", "no-worker");
        await Assertions.Expect(banner).ToContainTextAsync("Why is it not moving?");
        await Assertions.Expect(banner).ToContainTextAsync("no live worker serves queue dark-side with task type noop: start one (flowmachine worker --queue dark-side)");

        await api.PostAsync($"/api/v1/flows/{id}/cancel", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await Assertions.Expect(page.GetByTestId("diagnosis")).ToHaveCountAsync(0); // the page follows the flow: an ended flow has nothing to diagnose
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_flow_failed_by_its_deadline_says_so_on_its_page()
    {
        using var api = fixture.Api(fixture.AliceKey);
        using var content = new StringContent("""{"spec":{"label":"too-slow","cfg":{"deadline":"300ms"},"tasks":[{"key":"approve","task_type":"wait"}]}}""", System.Text.Encoding.UTF8, "application/json");
        var started = await api.PostAsync("/api/v1/flows", content);
        var id = (string)System.Text.Json.Nodes.JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!;
        var until = DateTime.UtcNow.AddSeconds(30);
        System.Text.Json.Nodes.JsonNode flow;
        while ((string?)(flow = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"/api/v1/flows/{id}"))!)["state"] != "FAILED")
        {
            Assert.True(DateTime.UtcNow < until, "the flow did not fail at its deadline");
            await Task.Delay(50);
        }

        Assert.Equal("deadline exceeded", (string?)flow["error"]);
        Assert.NotNull(flow["deadline"]);

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync($"/flows/{id}");
        var banner = page.GetByTestId("diagnosis");
        await Assertions.Expect(banner).ToHaveAttributeAsync("data-kind", "deadline");
        await Assertions.Expect(banner).ToContainTextAsync("Why did it fail?");
        await Assertions.Expect(banner).ToContainTextAsync("The flow failed by its deadline");
        await Assertions.Expect(banner).ToContainTextAsync($"flowmachine flows retry {id}");
        await page.Context.CloseAsync();
    }
}
