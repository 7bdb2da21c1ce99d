using FlowMachine.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Hosting.Tests;

/// <summary>The crash-loop limit: from the host options (and configuration) to the engine, and checked.</summary>
public sealed class MaxRecoveriesOptionTests
{
    [Fact]
    public async Task The_host_option_reaches_the_engine_and_defaults_to_five()
    {
        Assert.Equal(5, new FlowMachineOptions().MaxRecoveries);
        Assert.Equal(5, new FlowEngineOptions().MaxRecoveries);
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMachine(o => o.MaxRecoveries = 2);
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(2, provider.GetRequiredService<FlowEngine>().Options.MaxRecoveries);
    }

    [Fact]
    public void A_negative_limit_is_a_problem_naming_the_setting()
    {
        Assert.Contains(new FlowMachineOptions { MaxRecoveries = -1 }.Problems(), p => p.StartsWith("FlowMachine:MaxRecoveries must not be negative", StringComparison.Ordinal));
        Assert.Empty(new FlowMachineOptions { MaxRecoveries = 0 }.Problems());
        var thrown = Assert.Throws<ArgumentException>(() => new FlowEngineOptions { MaxRecoveries = -1 }.Validate());
        Assert.Equal("MaxRecoveries", thrown.ParamName);
    }
}
