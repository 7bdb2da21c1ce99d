using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The flows page's search box finds flows by tag, attribute, creation time and error text.</summary>
[Collection(DashboardCollection.Name)]
public sealed class FlowSearchPageTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task The_search_box_finds_flows_by_tag_and_says_what_is_wrong_with_a_bad_search()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var tag = "dash" + Guid.NewGuid().ToString("N")[..10];
        var tagged = await api.PostAsJsonAsync("/api/v1/flows", new { spec = "tasks: [noop]", tags = new[] { tag } });
        tagged.EnsureSuccessStatusCode();
        var id = (string)(await tagged.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        (await api.PostAsJsonAsync("/api/v1/flows", new { spec = "tasks: [noop]" })).EnsureSuccessStatusCode();

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync("/flows");
        await page.GetByLabel("Search").FillAsync($"tag:{tag} after:2000-01-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.flows tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"table.flows tbody tr[data-flow-id='{id}']")).ToHaveCountAsync(1);
        Assert.Contains("q=tag", page.Url, StringComparison.Ordinal);

        await page.GetByLabel("Search").FillAsync($"tag:{tag} no such error text");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.flows tbody tr")).ToContainTextAsync("No flows match.");

        await page.GetByLabel("Search").FillAsync("after:yesterday");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("after:");
        await page.Context.CloseAsync();
    }
}
