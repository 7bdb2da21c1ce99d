using System.Text.Json.Nodes;
using FlowMachine.Client.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Client.Tests;

/// <summary>A command whose answer is lost is sent again with its Idempotency-Key, and the server applies it once.</summary>
public sealed class IdempotentCommandTests(TestServerFixture server) : IClassFixture<TestServerFixture>
{
    [Fact]
    public async Task A_push_whose_answer_was_lost_is_sent_again_and_the_flow_sees_one_push()
    {
        var client = server.Client();
        var id = (await client.StartAsync(new StartFlowRequest { SpecNode = JsonNode.Parse("""["test.Wait", "test.Wait"]""") })).Flow.Id;
        await WaitAsync(client, id, view => view.Steps[0].State == StepState.Waiting);

        var lossy = new LoseFirstAnswer();
        var services = new ServiceCollection();
        services.AddFlowMachineClient(o =>
        {
            o.BaseAddress = new Uri("http://localhost");
            o.ApiKey = TestServerFixture.AdminKey;
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
        })
            .AddHttpMessageHandler(() => lossy)
            .ConfigurePrimaryHttpMessageHandler(() => server.App.GetTestServer().CreateHandler());
        await using var provider = services.BuildServiceProvider();

        var pushed = await provider.GetRequiredService<IFlowMachineClient>().PushAsync(id, new JsonObject { ["by"] = "retry" });

        Assert.Equal(CommandStatus.Accepted, pushed.Status);
        Assert.Equal(2, lossy.Sent);
        var view = await WaitAsync(client, id, v => v.Steps[0].State == StepState.Completed && v.Steps[1].State == StepState.Waiting);
        Assert.Equal("retry", (string?)view.Steps[0].Result!["by"]);
        var history = await client.HistoryAsync(id);
        Assert.Single(history, e => e.Kind == "step.pushed");
        Assert.DoesNotContain(history, e => e.Kind == "command.ignored");
    }

    private static async Task<FlowView> WaitAsync(IFlowMachineClient client, string id, Func<FlowView, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var view = (await client.GetAsync(id))!;
            if (until(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {id} is {view.Flow.State}");
            await Task.Delay(25);
        }
    }

    /// <summary>Sends every request on, but throws away the first answer as a dropped connection would.</summary>
    private sealed class LoseFirstAnswer : DelegatingHandler
    {
        public int Sent { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (++Sent == 1)
            {
                response.Dispose();
                throw new HttpRequestException("the connection dropped before the answer arrived");
            }

            return response;
        }
    }
}
