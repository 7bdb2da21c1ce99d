using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The flows page's bulk actions: ticked rows, and "retry all failed in this view" behind a confirmation with the count.</summary>
[Collection(DashboardCollection.Name)]
public sealed class BulkActionTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task Ticked_flows_are_cancelled_and_the_others_stay()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var (tag, flows) = await StartWaitingAsync(api, "bulk", 3);
        var (first, second, kept) = (flows[0], flows[1], flows[2]);

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows?q=tag:{tag}");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {first}" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {second}" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel selected" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 matched, 2 done, 0 refused");
        await FlowPageTests.WaitForStateAsync(api, first, "CANCELLED");
        await FlowPageTests.WaitForStateAsync(api, second, "CANCELLED");
        Assert.Equal("WAITING", (string?)(await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{kept}"))!["state"]);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_live_refresh_of_the_rows_keeps_the_ticked_boxes()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var (tag, flows) = await StartWaitingAsync(api, "tick", 2);
        var (changing, other) = (flows[0], flows[1]);

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows?q=tag:{tag}");
        var changingRow = page.Locator($"tr[data-flow-id='{changing}']");
        await Assertions.Expect(changingRow.Locator(".badge")).ToHaveTextAsync("WAITING");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {changing}" }).CheckAsync();

        // The flow's row changes, so the next refresh re-renders the rows; the badge shows it did.
        (await api.PostAsJsonAsync($"/api/v1/flows/{changing}/push", new { value = new { by = "test" } })).EnsureSuccessStatusCode();
        await FlowPageTests.WaitForStateAsync(api, changing, "COMPLETED");
        await Assertions.Expect(changingRow.Locator(".badge")).ToHaveTextAsync("COMPLETED", new() { Timeout = 15_000 });

        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {changing}" })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {other}" })).Not.ToBeCheckedAsync();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Retry_all_failed_shows_the_count_first_and_retries_only_after_confirming()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var tag = "bulk" + Guid.NewGuid().ToString("N")[..10];
        var spec = $$$"""{"cfg":{"tags":["{{{tag}}}"]},"tasks":[{"key":"boom","task_type":"fail","task_params":{"error":"boom"}}]}""";
        var failed = new[] { await FlowPageTests.StartAsync(api, spec), await FlowPageTests.StartAsync(api, spec) };
        foreach (var id in failed)
        {
            await FlowPageTests.WaitForStateAsync(api, id, "FAILED");
        }

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows?q=tag:{tag}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Retry all failed in this view" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-bulk-count]")).ToHaveTextAsync("2");
        foreach (var id in failed)
        {
            Assert.DoesNotContain("flow.retried", (await api.GetStringAsync($"/api/v1/flows/{id}/history")), StringComparison.Ordinal);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Retry 2 flows" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 matched, 2 done, 0 refused");
        foreach (var id in failed)
        {
            Assert.Contains("flow.retried", await api.GetStringAsync($"/api/v1/flows/{id}/history"), StringComparison.Ordinal);
        }

        await page.Context.CloseAsync();
    }

    /// <summary>Starts <paramref name="count"/> flows with a new tag that wait for a push, and waits until they do.</summary>
    private static async Task<(string Tag, string[] Ids)> StartWaitingAsync(HttpClient api, string prefix, int count)
    {
        var tag = prefix + Guid.NewGuid().ToString("N")[..10];
        var spec = $"cfg: {{ tags: [{tag}] }}\ntasks: [test.One, test.Wait]";
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await FlowPageTests.StartAsync(api, spec);
        }

        foreach (var id in ids)
        {
            await FlowPageTests.WaitForStateAsync(api, id, "WAITING");
        }

        return (tag, ids);
    }
}
