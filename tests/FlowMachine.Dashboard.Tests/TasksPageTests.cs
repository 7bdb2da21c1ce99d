using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The task types page: a plugin's file path is for administrators, and it stays inside its card; a typed task's params come from its schema.</summary>
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

    [BrowserFact]
    public async Task A_typed_tasks_params_table_is_read_from_its_schema_with_types_rules_and_nested_params()
    {
        fixture.App.Services.GetRequiredService<TaskRegistry>().Register<ShipTask>();

        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/tasks");
        var rows = page.Locator("article.task[aria-label='acme.Ship'] table.params-schema tbody tr");
        await Assertions.Expect(rows).ToHaveTextAsync([
            "weight requiredinteger, ≥ 1 and ≤ 500The weight in kilograms.",
            "speedone of Standard | Express",
            "toobject?Where it goes.",
            "to.zip requiredstring, pattern ^[0-9]{5}$",
            "token secretstring?",
        ]);
        await page.Context.CloseAsync();
    }
}

public enum ShipSpeed
{
    Standard,
    Express,
}

public sealed class ShipParams
{
    [System.ComponentModel.Description("The weight in kilograms.")]
    [System.ComponentModel.DataAnnotations.Range(1, 500)]
    public required int Weight { get; init; }

    public ShipSpeed Speed { get; init; }

    [System.ComponentModel.DataAnnotations.Display(Description = "Where it goes.")]
    public ShipAddress? To { get; init; }

    [System.ComponentModel.DataAnnotations.DataType(System.ComponentModel.DataAnnotations.DataType.Password)]
    public string? Token { get; init; }
}

public sealed class ShipAddress
{
    [System.ComponentModel.DataAnnotations.Required]
    [System.ComponentModel.DataAnnotations.RegularExpression("^[0-9]{5}$")]
    public string? Zip { get; init; }
}

[TaskType("acme.Ship", Description = "Ships a parcel.")]
public sealed class ShipTask : FlowTask<ShipParams, string>
{
    protected override ValueTask<string> PerformAsync(ShipParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult("shipped");
}
