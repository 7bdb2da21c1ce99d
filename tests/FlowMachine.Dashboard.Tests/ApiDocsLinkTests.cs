using System.Text.RegularExpressions;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The header links the API reference page, which shows the served OpenAPI document.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ApiDocsLinkTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task The_header_links_the_api_reference_page_which_shows_the_routes()
    {
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "API", Exact = true }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex("/api/docs/?$"));
        await Assertions.Expect(page).ToHaveTitleAsync("FlowMachine API");

        // The page loaded the document: an operation's summary is on it.
        await Assertions.Expect(page.GetByText("Start a flow").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Context.CloseAsync();
    }
}
