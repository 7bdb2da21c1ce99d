using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Tests;

/// <summary>The server knows no store: its host chooses one on the builder, and a server without one is refused.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void A_server_whose_host_chooses_no_store_is_refused_naming_the_choices()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentException>(() => services.AddFlowMachineServer(new FlowMachineServerOptions(), _ => { }));
        Assert.Contains("UseSqlite, UsePostgres or UseInMemory", ex.Message, StringComparison.Ordinal);
    }
}
