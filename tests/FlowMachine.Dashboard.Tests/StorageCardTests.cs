using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Retention;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The overview's storage card: for administrators, with the last sweep and what it deleted.</summary>
[Collection(DashboardCollection.Name)]
public sealed class StorageCardTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task The_admin_sees_sizes_and_the_last_sweep_and_a_user_sees_no_storage_card()
    {
        // A flow that finished 100 days ago: the default policy (30 days for COMPLETED) deletes it.
        var store = fixture.App.Services.GetRequiredService<IFlowStore>();
        var at = DateTimeOffset.UtcNow.AddDays(-100);
        var id = "old-" + Guid.NewGuid().ToString("N");
        var flow = new FlowRecord { Id = id, SpecJson = """{"tasks":["noop"]}""", State = FlowState.Completed, CreatedAt = at, UpdatedAt = at };
        await store.CreateFlowAsync(new NewFlow(flow, [new StepRecord { FlowId = id, Key = "noop", TaskType = "noop" }], [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
        var sweep = await fixture.App.Services.GetRequiredService<RetentionSweeper>().SweepOnceAsync(CancellationToken.None);
        Assert.True(sweep.Deleted[FlowState.Completed] >= 1);
        Assert.Null(await store.GetFlowAsync(id, CancellationToken.None));

        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        var card = page.GetByTestId("storage");
        await Assertions.Expect(card.GetByRole(AriaRole.Heading, new() { Name = "Storage" })).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByTestId("storage-finished")).ToContainTextAsync("COMPLETED");
        await Assertions.Expect(card.GetByTestId("storage-size")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("[0-9.]+ (KB|MB|GB)|in memory"));
        await Assertions.Expect(card.GetByTestId("storage-policy")).ToContainTextAsync("COMPLETED 30d, FAILED 90d, KILLED 30d, CANCELLED 30d");
        await Assertions.Expect(card.GetByTestId("storage-sweep")).ToContainTextAsync($"deleted {sweep.Total} flow");
        await Assertions.Expect(card.GetByTestId("storage-sweep")).ToContainTextAsync("COMPLETED");

        var alice = await fixture.SignInAsync(fixture.AliceKey);
        await Assertions.Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByTestId("storage")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
        await alice.Context.CloseAsync();
    }
}
