using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;
using TypedApp.Checkout;

namespace FlowMachine.Examples.Tests;

/// <summary>The typed example app: typed tasks, a C# routine registered at start, the flow's typed result.</summary>
public sealed class TypedAppTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fm-typed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task The_app_checks_out_an_order_and_reads_its_typed_confirmation()
    {
        var confirmation = await CheckoutApp.RunAsync(Path.Combine(folder, "checkout.db"), new Order("A-1", "mug", 2, 19.90m), CancellationToken.None);

        Assert.Equal(new Confirmation("A-1", "res-mug-2", "rcpt-A-1"), confirmation);
    }

    [Fact]
    public async Task Restarting_the_app_keeps_one_routine_version_and_a_bad_order_fails_its_step_naming_the_param()
    {
        var database = Path.Combine(folder, "checkout.db");
        await CheckoutApp.RunAsync(database, new Order("B-1", "cup", 1, 5m), CancellationToken.None);

        using var host = CheckoutApp.CreateHost(database);
        await host.StartAsync();
        try
        {
            var versions = await host.Services.GetRequiredService<IRoutineStore>().ListRoutineVersionsAsync(CheckoutRoutine.Name, CancellationToken.None);
            Assert.Equal(CheckoutRoutine.Build().ToJson(), Assert.Single(versions).SpecJson);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => CheckoutApp.CheckoutAsync(host.Services.GetRequiredService<IFlowClient>(), new Order("B-2", "cup", 500, 5m), CancellationToken.None));
            Assert.Contains("quantity", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
