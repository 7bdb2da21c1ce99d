using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The Retry button of the flow page: only for FAILED, KILLED or CANCELLED flows, and it runs the flow on.</summary>
[Collection(DashboardCollection.Name)]
public sealed class RetryButtonTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task A_killed_flow_offers_retry_and_the_button_runs_it_on_to_completed()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var flowId = await FlowPageTests.StartAsync(api, """{"tasks":["test.One",{"key":"stop","task_type":"kill","task_params":{"reason":"enough"}},"test.Three"]}""");
        await FlowPageTests.WaitForStateAsync(api, flowId, "KILLED");
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{flowId}");
        var retry = page.GetByRole(AriaRole.Button, new() { Name = "Retry flow" });
        await Assertions.Expect(retry).ToHaveCountAsync(1);

        await retry.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Retry requested");
        await FlowPageTests.WaitForStateAsync(api, flowId, "COMPLETED");
        await page.GotoAsync($"/flows/{flowId}");
        await Assertions.Expect(page.Locator("#flow-state .badge")).ToHaveTextAsync("COMPLETED");
        await Assertions.Expect(retry).ToHaveCountAsync(0);
        var flow = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{flowId}"))!;
        Assert.All(flow["steps"]!.AsArray(), s => Assert.Equal(1, (int?)s!["attempts"]));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_waiting_flow_offers_no_retry()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var flowId = await FlowPageTests.StartAsync(api, "tasks: [test.Wait]");
        await FlowPageTests.WaitForStateAsync(api, flowId, "WAITING");
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{flowId}");

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel flow" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry flow" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
