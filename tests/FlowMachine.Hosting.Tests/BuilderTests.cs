using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Hosting.Tests;

/// <summary>The builder: each store package's choice brings its user store; the last choice wins; the engine can be adjusted.</summary>
public sealed class BuilderTests
{
    [Fact]
    public async Task UseSqlite_registers_the_SQLite_flow_store_and_the_user_store_in_the_same_file()
    {
        using var folder = new TempFolder();
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine().UseSqlite(folder.File("flows.db"));
        await using var provider = services.BuildServiceProvider();

        var flows = Assert.IsType<SqliteFlowStore>(provider.GetRequiredService<IFlowStore>());
        Assert.IsType<SqliteUserStore>(provider.GetRequiredService<IUserStore>());
        await provider.GetRequiredService<IUserStore>().InitializeAsync(CancellationToken.None);
        Assert.Same(flows, provider.GetRequiredService<FlowEngine>().Store);
        Assert.True(File.Exists(folder.File("flows.db")));
    }

    [Fact]
    public async Task A_later_store_choice_replaces_the_earlier_one_with_its_user_store()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine().UseSqlite("never-opened.db").UseInMemory();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryFlowStore>(provider.GetRequiredService<IFlowStore>());
        Assert.IsType<InMemoryUserStore>(provider.GetRequiredService<IUserStore>());
    }

    [Fact]
    public async Task A_store_of_your_own_without_a_user_store_leaves_none_behind()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine().UseSqlite("never-opened.db").UseStore(_ => new InMemoryFlowStore());
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryFlowStore>(provider.GetRequiredService<IFlowStore>());
        Assert.Null(provider.GetService<IUserStore>());
    }

    [Fact]
    public async Task ConfigureEngine_adjusts_the_engine_options_made_from_the_host_options()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine(o => o.LeaseDuration = TimeSpan.FromSeconds(5)).ConfigureEngine(o => o.WorkerId = "worker-under-test");
        await using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<FlowEngine>();
        Assert.Equal("worker-under-test", engine.Options.WorkerId);
        Assert.Equal(TimeSpan.FromSeconds(5), engine.Options.LeaseDuration);
        Assert.Equal(FlowMachineDefaults.Engine.MaxResultBytes, engine.Options.MaxResultBytes);
    }

    [Fact]
    public async Task A_missing_task_folder_fails_when_the_registry_is_built_naming_the_folder()
    {
        using var folder = new TempFolder();
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine().AddTaskFolder(folder.File("missing"));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<DirectoryNotFoundException>(() => provider.GetRequiredService<TaskRegistry>());
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }
}
