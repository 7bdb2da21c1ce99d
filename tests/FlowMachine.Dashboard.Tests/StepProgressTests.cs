using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The flow page shows how far a running step has come: a bar for done of total, updated live; other progress as JSON.</summary>
[Collection(DashboardCollection.Name)]
public sealed class StepProgressTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task A_running_steps_progress_bar_fills_live()
    {
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var started = await api.PostAsJsonAsync("/api/v1/flows", new { spec = "tasks: [{ key: long, task_type: example.VeryLong, task_params: { seconds: 60 } }]" });
        var id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        try
        {
            var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
            await page.GotoAsync($"/flows/{id}");

            // The task reports { done, total } each second; the stream brings each stored report to the open page.
            var bar = page.Locator("details.step[data-step='long']").GetByTestId("step-progress").Locator("progress");
            await Assertions.Expect(bar).ToHaveAttributeAsync("max", "60", new() { Timeout = 20_000 });
            await Assertions.Expect(bar).ToHaveAttributeAsync("aria-label", "Progress of long");
            var first = double.Parse((await bar.GetAttributeAsync("value"))!, System.Globalization.CultureInfo.InvariantCulture);
            await Assertions.Expect(bar).Not.ToHaveAttributeAsync("value", first.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 20_000 });
            await Assertions.Expect(page.Locator("details.step[data-step='long']").GetByTestId("step-progress")).ToContainTextAsync("/60 (");
            await page.Context.CloseAsync();
        }
        finally
        {
            await api.PostAsync($"/api/v1/flows/{id}/cancel", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        }
    }

    [BrowserFact]
    public async Task Progress_without_done_and_total_is_shown_as_its_json()
    {
        var id = await SeedRunningAsync(JsonNode.Parse("""{"phase":"<copying>","files":3}""")!);

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{id}");
        var shown = page.Locator("details.step[data-step='busy']").GetByTestId("step-progress");
        await Assertions.Expect(shown).ToHaveTextAsync("""{"phase":"<copying>","files":3}""");
        await Assertions.Expect(shown.Locator("progress")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("details.step[data-step='later']").GetByTestId("step-progress")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    // A RUNNING flow whose first step runs under another worker's lease (so this server's worker leaves it alone) and reported PROGRESS.
    private async Task<string> SeedRunningAsync(JsonNode progress)
    {
        var store = fixture.App.Services.GetRequiredService<IFlowStore>();
        var at = DateTimeOffset.UtcNow;
        var id = "seeded-" + Guid.NewGuid().ToString("N");
        var flow = new FlowRecord
        {
            Id = id, Owner = "alice", SpecJson = """{"tasks":["test.One","test.Two"]}""", State = FlowState.Running, CreatedAt = at, UpdatedAt = at,
            LeaseOwner = "elsewhere", LeaseExpiresAt = at.AddHours(1),
        };
        StepRecord[] steps =
        [
            new() { FlowId = id, Key = "busy", TaskType = "test.One", State = StepState.Running, Attempts = 1, StartedAt = at },
            new() { FlowId = id, Index = 1, Key = "later", TaskType = "test.Two", State = StepState.Pending },
        ];
        await store.CreateFlowAsync(new NewFlow(flow, steps, [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
        Assert.True(await store.SaveProgressAsync(id, "busy", "elsewhere", progress, at, CancellationToken.None));
        return id;
    }
}
