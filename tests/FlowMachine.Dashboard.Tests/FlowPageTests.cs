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

    [BrowserFact]
    public async Task The_flow_page_shows_the_flows_priority()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var started = await api.PostAsJsonAsync("/api/v1/flows", new { spec = "tasks: [test.Wait]", priority = 4 });
        started.EnsureSuccessStatusCode();
        var flowId = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{flowId}");
        await Assertions.Expect(page.GetByTestId("flow-priority")).ToHaveTextAsync("4");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_step_waiting_for_its_spawned_child_shows_spawned_in_violet_as_the_legend_says()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var flowId = await StartAsync(api, """{"tasks":[{"key":"parent","task_type":"flow","task_params":{"spec":{"tasks":["test.Wait"]}}}]}""");
        await WaitForStateAsync(api, flowId, "SPAWNED");

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{flowId}");
        var node = page.Locator("svg.dag g.dag-node[data-key='parent']");
        await Assertions.Expect(node).ToHaveAttributeAsync("data-state", "SPAWNED");
        Assert.Equal("rgb(241, 234, 251)", await node.Locator("rect").EvaluateAsync<string>("r => getComputedStyle(r).fill"));
        await Assertions.Expect(page.Locator("details.step[data-step='parent'] .badge")).ToHaveTextAsync("SPAWNED");
        await Assertions.Expect(page.GetByLabel("Legend")).ToContainTextAsync("SPAWNED");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Actions_follow_the_flow_live_so_a_flow_that_completed_offers_no_push_and_its_new_position()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var flowId = await StartAsync(api, "tasks: [test.Wait, test.One]");
        await WaitForStateAsync(api, flowId, "WAITING");
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{flowId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Push value" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel flow" })).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");

        (await api.PostAsJsonAsync($"/api/v1/flows/{flowId}/push", new { value = 1 })).EnsureSuccessStatusCode();

        await Assertions.Expect(page.Locator("#flow-state .badge")).ToHaveTextAsync("COMPLETED", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Push value" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel flow" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reset flow" })).ToHaveCountAsync(1);
        var position = (int)(await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{flowId}"))!["position"]!;
        await Assertions.Expect(page.GetByTestId("position-now")).ToContainTextAsync($"(now {position})");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Pages_have_a_favicon_and_load_without_a_404()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404)
            {
                missing.Add(response.Url);
            }
        };
        await page.GotoAsync("/tasks", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.GotoAsync("/flows", new() { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Empty(missing);
        await Assertions.Expect(page.Locator("link[rel='icon']")).ToHaveCountAsync(1);
        var icon = await page.Context.APIRequest.GetAsync("/favicon.ico");
        Assert.Equal(200, icon.Status);
        Assert.Equal("image/svg+xml", icon.Headers["content-type"]);
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
