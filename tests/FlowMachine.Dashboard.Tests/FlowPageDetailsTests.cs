using System.Text.RegularExpressions;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>What the flow page tells an operator beyond the steps' states: how often a step's worker was lost, its tags and attributes.</summary>
[Collection(DashboardCollection.Name)]
public sealed class FlowPageDetailsTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task A_step_whose_worker_was_lost_shows_how_often_and_other_steps_say_nothing()
    {
        var id = await SeedCompletedAsync(fixture, recoveries: 3);
        using var api = fixture.Api(DashboardFixture.AdminKey);
        var document = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!;
        Assert.Equal(3, (int?)document["steps"]![0]!["recoveries"]);
        Assert.False(document["steps"]![1]!.AsObject().ContainsKey("recoveries"));

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{id}");
        await Assertions.Expect(page.Locator("details.step[data-step='crashy']").GetByTestId("step-recoveries")).ToHaveTextAsync("· worker lost 3 times");
        await Assertions.Expect(page.Locator("details.step[data-step='calm']").GetByTestId("step-recoveries")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task The_flow_page_shows_its_tags_and_attributes_and_a_tag_finds_its_flows()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..8];
        var id = await SeedCompletedAsync(fixture, tags: ["eu", tag], attributes: new Dictionary<string, string> { ["customer"] = "42", ["note"] = "<two> words" });
        var plain = await SeedCompletedAsync(fixture);

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync($"/flows/{id}");
        var tags = page.GetByTestId("flow-tags");
        await Assertions.Expect(tags.Locator("a.tag")).ToHaveTextAsync(["eu", tag]);
        var attributes = page.GetByTestId("flow-attributes");
        await Assertions.Expect(attributes.Locator("[data-attribute='customer'] dd")).ToHaveTextAsync("42");
        await Assertions.Expect(attributes.Locator("[data-attribute='note'] dd")).ToHaveTextAsync("<two> words");
        await Assertions.Expect(attributes.Locator("[data-attribute='customer'] a")).ToHaveAttributeAsync("href", "/flows?q=customer%3D42");

        await tags.GetByRole(AriaRole.Link, new() { Name = tag }).ClickAsync();
        await PageAddress.ExpectAsync(page, new Regex(@"/flows\?q=tag"));
        await Assertions.Expect(page.Locator("tr[data-flow-id]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-flow-id='{id}']")).ToBeVisibleAsync();

        await page.GotoAsync($"/flows/{plain}");
        await Assertions.Expect(page.GetByTestId("flow-id")).ToHaveTextAsync(plain);
        await Assertions.Expect(page.GetByTestId("flow-tags")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("flow-attributes")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    /// <summary>A COMPLETED flow of two steps, written to the store as a worker that outlived lost ones would leave it.</summary>
    internal static async Task<string> SeedCompletedAsync(DashboardFixture fixture, int recoveries = 0, IReadOnlyList<string>? tags = null, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var store = fixture.App.Services.GetRequiredService<IFlowStore>();
        var at = DateTimeOffset.UtcNow;
        var id = "seeded-" + Guid.NewGuid().ToString("N");
        var flow = new FlowRecord
        {
            Id = id, Owner = "alice", SpecJson = """{"tasks":["test.One","test.Two"]}""", State = FlowState.Completed, Position = 2, CreatedAt = at, UpdatedAt = at,
            Tags = tags ?? [], Attributes = attributes ?? FlowTags.NoAttributes,
        };
        StepRecord[] steps =
        [
            new() { FlowId = id, Key = "crashy", TaskType = "test.One", State = StepState.Completed, Attempts = recoveries + 1, Recoveries = recoveries, StartedAt = at, FinishedAt = at },
            new() { FlowId = id, Index = 1, Key = "calm", TaskType = "test.Two", State = StepState.Completed, Attempts = 1, StartedAt = at, FinishedAt = at },
        ];
        await store.CreateFlowAsync(new NewFlow(flow, steps, [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
        return id;
    }
}
