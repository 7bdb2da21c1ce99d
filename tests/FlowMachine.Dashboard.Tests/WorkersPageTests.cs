using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The workers page: the server's own worker, and a queue no worker serves, flagged there and on the waiting flow's page.</summary>
[Collection(DashboardCollection.Name)]
public sealed class WorkersPageTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task A_queue_no_worker_serves_is_flagged_on_the_workers_page_and_its_flow_says_what_it_waits_for()
    {
        using var api = fixture.Api(fixture.AliceKey);
        var id = await DashboardFixture.StartWaitingForWorkerAsync(api, """{"spec":{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","queue":"moon-base"}]}}""");

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Workers", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("unserved-queue")).ToContainTextAsync("moon-base");
        await Assertions.Expect(page.GetByTestId("workers")).ToContainTextAsync("live");
        await Assertions.Expect(page.GetByTestId("queues")).ToContainTextAsync("waiting: no live worker serves it");

        await page.GotoAsync($"/flows/{id}");
        await Assertions.Expect(page.GetByTestId("worker-wait")).ToContainTextAsync("a worker of queue moon-base with task type noop");
        await page.Context.CloseAsync();
        await api.PostAsync($"/api/v1/flows/{id}/cancel", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
    }
}
