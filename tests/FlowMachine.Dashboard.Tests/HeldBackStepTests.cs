using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>A step held back by a rate limit: the flow document and the flow page say why it waits.</summary>
[Collection(DashboardCollection.Name)]
public sealed class HeldBackStepTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task A_step_over_its_rate_limit_says_on_the_flow_page_that_it_waits_for_a_token()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var label = "held-" + Guid.NewGuid().ToString("N")[..8];
        var spec = $$$"""{"label":"{{{label}}}","tasks":[{"key":"call","task_type":"noop","rate":{"limit":1,"per":"1h"}}]}""";
        var first = await FlowPageTests.StartAsync(api, spec);
        await FlowPageTests.WaitForStateAsync(api, first, "COMPLETED");

        // The second start finds the hour's one token taken.
        var second = await FlowPageTests.StartAsync(api, spec);
        var reason = $"waiting for a rate token: key 'step:{label}/call', 1 per 1h";
        var until = DateTime.UtcNow.AddSeconds(30);
        JsonObject? document;
        do
        {
            await Task.Delay(50);
            document = await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{second}");
        }
        while ((string?)document!["steps"]![0]!["heldBack"] is null && DateTime.UtcNow < until);

        Assert.Equal(reason, (string?)document["steps"]![0]!["heldBack"]);
        Assert.Equal(reason, (string?)document["waitReason"]);
        Assert.Equal("RUNNING", (string?)document["state"]);
        Assert.NotNull(document["steps"]![0]!["notBefore"]);

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{second}");
        await Assertions.Expect(page.GetByTestId("held-back")).ToContainTextAsync(reason);
        await Assertions.Expect(page.Locator("details.step[data-step='call']")).ToContainTextAsync("Held back: " + reason);
        await page.Context.CloseAsync();
    }
}
