using System.Text.Json.Nodes;
using FlowMachine.Client.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Client.Tests;

/// <summary>The client against a real <c>flowmachine serve</c> process over loopback, as another service uses it.</summary>
public sealed class ServeProcessClientTests(ServeProcess serve) : IClassFixture<ServeProcess>, IAsyncLifetime
{
    private readonly List<ServiceProvider> providers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_flow_starts_waits_is_pushed_watched_and_completes_over_loopback()
    {
        var client = Client(serve.BaseAddress, ServeProcess.AdminKey);
        var started = await client.StartAsync(SeedSpecs.SeedStart(key: "loopback-1", tags: ["eu"]));
        Assert.True(started.Created);

        FlowView? waiting = null;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var view in client.WatchAsync(started.Flow.Id, patience.Token))
        {
            if (view.State == FlowState.Waiting)
            {
                waiting = view;
                break;
            }
        }

        Assert.True(waiting is not null, serve.Output);
        Assert.Equal("Wait for external", waiting.Flow.WaitReason);
        Assert.Equal(CommandStatus.Accepted, (await client.PushAsync(started.Flow.Id, new JsonObject { ["approved"] = true }, cancellationToken: patience.Token)).Status);
        var done = await client.WaitForCompletionAsync(started.Flow.Id, TimeSpan.FromSeconds(60), patience.Token);
        Assert.Equal(FlowState.Completed, done.State);
        Assert.True((bool)done.Step("test.Wait").Result!["approved"]!);

        var page = await client.ListAsync(new FlowQuery { Tag = "eu" }, patience.Token);
        Assert.Equal(started.Flow.Id, Assert.Single(page.Items).Id);
        Assert.Contains(await client.HistoryAsync(started.Flow.Id, cancellationToken: patience.Token), e => e.Kind == "flow.completed");
        Assert.False((await client.StartAsync(SeedSpecs.SeedStart(key: "loopback-1"), patience.Token)).Created);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized_and_a_server_that_is_not_there_is_a_connection_error()
    {
        var wrong = await Assert.ThrowsAsync<FlowMachineUnauthorizedException>(() => Client(serve.BaseAddress, "fm_wrong").GetAsync("x"));
        Assert.Equal(401, wrong.StatusCode);

        var nobody = Client(new Uri($"http://127.0.0.1:{ServeProcess.FreePort()}"), ServeProcess.AdminKey, retries: 1);
        await Assert.ThrowsAsync<HttpRequestException>(() => nobody.ListAsync(new FlowQuery()));
    }

    private IFlowMachineClient Client(Uri baseAddress, string key, int retries = 3)
    {
        var services = new ServiceCollection();
        services.AddFlowMachineClient(o =>
        {
            o.BaseAddress = baseAddress;
            o.ApiKey = key;
            o.MaxRetries = retries;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<IFlowMachineClient>();
    }
}
