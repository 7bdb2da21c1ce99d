using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>What the flow page shows: history text as written, states in their own colours, actions that fit the state.</summary>
[Collection(DashboardCollection.Name)]
public sealed class FlowPageTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task History_and_results_show_quotes_angle_brackets_and_plus_as_written_not_as_json_escapes()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        const string Text = "it's <b>+1</b> & more";
        var flowId = await StartAsync(api, "tasks: [test.Wait]", key: Text);
        await WaitForStateAsync(api, flowId, "WAITING");
        var pushed = await api.PostAsJsonAsync($"/api/v1/flows/{flowId}/push", new { value = new { note = Text } });
        pushed.EnsureSuccessStatusCode();

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{flowId}");
        await Assertions.Expect(page.Locator("#flow-state .badge")).ToHaveTextAsync("COMPLETED", new() { Timeout = 30_000 });
        var history = page.Locator("table.history");
        await Assertions.Expect(history).ToContainTextAsync(Text);
        Assert.DoesNotContain("\\u00", await history.InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[aria-label='Result of test.Wait']")).ToContainTextAsync(Text);

        var saved = await api.PostAsJsonAsync("/api/v1/routines", new { name = "escapes", spec = new { tasks = new[] { new { key = "say", task_type = "print", task_params = new { msg = Text } } } } });
        saved.EnsureSuccessStatusCode();
        await page.GotoAsync("/routines/escapes");
        await Assertions.Expect(page.Locator("[aria-label='Spec']")).ToContainTextAsync(Text);
        await page.Context.CloseAsync();
    }

    internal static async Task WaitForStateAsync(HttpClient api, string flowId, string state)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        string? now = null;
        while (DateTime.UtcNow < until)
        {
            var flow = await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{flowId}");
            now = (string?)flow!["state"];
            if (now == state)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"flow {flowId} is {now}, not {state}, after 30 s");
    }

    internal static async Task<string> StartAsync(HttpClient api, string spec, string? key = null)
    {
        var started = await api.PostAsJsonAsync("/api/v1/flows", new { spec, key });
        started.EnsureSuccessStatusCode();
        return (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }
}
