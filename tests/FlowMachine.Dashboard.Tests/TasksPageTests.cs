using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The task types page: a plugin's file path is for administrators, and it stays inside its card.</summary>
[Collection(DashboardCollection.Name)]
public sealed class TasksPageTests(DashboardFixture fixture)
{
    private const string PluginPath = "/srv/flowmachine/plugins/Acme.Very.Long.Plugin.Assembly.Name.For.Testing.Overflow/bin/Release/net10.0/Acme.Very.Long.Plugin.Assembly.Name.For.Testing.Overflow.dll";

    [BrowserFact]
    public async Task A_plugins_file_path_is_shown_to_admins_inside_its_card_and_never_to_other_users()
    {
        fixture.App.Services.GetRequiredService<TaskRegistry>().Register(new TaskTypeInfo
        {
            Name = "acme.PathProbe",
            Description = "A task type loaded from a plugin file.",
            Source = PluginPath,
            Factory = _ => throw new InvalidOperationException("never run"),
        });

        var alice = await fixture.SignInAsync(fixture.AliceKey);
        await alice.GotoAsync("/tasks");
        var aliceCard = alice.Locator("article.task[aria-label='acme.PathProbe']");
        await Assertions.Expect(aliceCard).ToContainTextAsync("loaded from a plugin file");
        Assert.DoesNotContain("/srv/flowmachine", await alice.ContentAsync(), StringComparison.Ordinal);
        await alice.Context.CloseAsync();

        var admin = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await admin.GotoAsync("/tasks");
        var card = admin.Locator("article.task[aria-label='acme.PathProbe']");
        await Assertions.Expect(card).ToContainTextAsync(PluginPath);
        var overflow = await card.EvaluateAsync<int>("c => c.scrollWidth - c.clientWidth");
        Assert.True(overflow <= 0, $"the path overflows its card by {overflow} px");
        await admin.Context.CloseAsync();
    }
}
