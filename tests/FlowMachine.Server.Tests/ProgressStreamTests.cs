using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>A running step's progress reaches the flow document and its live stream while the step runs.</summary>
public sealed class ProgressStreamTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_stream_sends_the_flow_again_when_a_running_step_reports_progress()
    {
        var started = await server.Alice.PostJsonAsync("/api/v1/flows", """{"spec":"tasks: [{ key: long, task_type: example.VeryLong, task_params: { seconds: 3 } }]"}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.ReadObjectAsync())["id"]!;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/flows/{id}/stream");
        using var response = await server.Alice.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Each second the task reports { done, total }: an event of the RUNNING flow carries it before the step ends.
        JsonObject flow;
        do
        {
            flow = await EndToEndTests.NextFlowEventAsync(reader, timeout.Token);
        }
        while ((string?)flow["state"] is "PENDING" || ((string?)flow["state"] == "RUNNING" && flow["steps"]![0]!["progress"] is null));

        Assert.Equal("RUNNING", (string?)flow["state"]);
        var step = flow["steps"]![0]!;
        Assert.Equal(3, (double)step["progress"]!["total"]!);
        Assert.InRange((double)step["progress"]!["done"]!, 1, 3);
        Assert.NotNull(step["progressAt"]);

        // The last report is kept once the step is done.
        var done = await ServerFixture.WaitForStateAsync(server.Alice, id, "COMPLETED");
        Assert.Equal("""{"done":3,"total":3}""", done["steps"]![0]!["progress"]!.ToJsonString());
    }
}
