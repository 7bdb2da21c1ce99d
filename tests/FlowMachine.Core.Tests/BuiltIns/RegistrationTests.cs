using FlowMachine.BuiltIns;
using FlowMachine.Examples;
using FlowMachine.Registry;

namespace FlowMachine.Tests.BuiltIns;

public class RegistrationTests
{
    [Fact]
    public void AddBuiltIns_registers_exactly_the_built_in_names()
    {
        var registry = new TaskRegistry().AddBuiltIns();
        string[] expected = ["delay", "done", "fail", "flow", "http", "kill", "log", "noop", "print", "spread", "switch", "wait", "wire"];
        Assert.Equal(expected, registry.All.Select(t => t.Name));
        Assert.Equal(expected, BuiltInTasks.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Built_ins_carry_descriptions_params_and_create_fresh_instances()
    {
        var registry = new TaskRegistry().AddBuiltIns();
        Assert.All(registry.All, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.True(registry.TryGet("http", out var http));
        Assert.Contains(http.Params, p => p.Name == "url" && p.Required);
        Assert.IsType<HttpTask>(http.Factory(null));
        Assert.True(registry.TryGet("wait", out var wait));
        Assert.True(wait.HasCheck);
        Assert.True(registry.TryGet("log", out var log));
        Assert.IsType<PrintTask>(log.Factory(null));
    }

    [Fact]
    public void RegisterAssembly_of_the_examples_registers_the_five_seed_names()
    {
        var registry = new TaskRegistry().RegisterAssembly(ExampleTasks.Assembly);
        Assert.Equal(["example.VeryLong", "test.One", "test.Three", "test.Two", "test.Wait"], registry.All.Select(t => t.Name));
        Assert.True(registry.TryGet("test.Wait", out var wait));
        Assert.True(wait.HasCheck);
    }
}
