using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>A typed task's params schema in <c>GET /api/v1/tasks</c>, and its literal params checked when a routine is saved.</summary>
public sealed class TypedTaskEndpointTests
{
    [Fact]
    public async Task The_task_list_carries_the_params_schema_of_a_typed_task_only()
    {
        await using var server = await CustomServer.StartAsync(tasks: r => r.Register<RefundTask>());
        var tasks = (await server.Admin.GetFromJsonAsync<JsonArray>("/api/v1/tasks"))!;

        var refund = tasks.Single(t => (string?)t!["name"] == "test.Refund")!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "orderId": { "type": "string", "description": "The order to refund.", "pattern": "^o-[0-9]+$" },
                "cents": { "type": "integer", "minimum": 1 }
              },
              "required": ["orderId", "cents"],
              "additionalProperties": false
            }
            """), refund["paramsSchema"]), refund["paramsSchema"]!.ToJsonString());
        Assert.Equal(["orderId", "cents"], refund["params"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.False(tasks.Single(t => (string?)t!["name"] == "noop")!.AsObject().ContainsKey("paramsSchema"));
    }

    [Fact]
    public async Task Saving_a_routine_with_a_wrong_literal_param_is_refused_with_its_spec_path()
    {
        await using var server = await CustomServer.StartAsync(tasks: r => r.Register<RefundTask>());
        var response = await server.Admin.PostJsonAsync("/api/v1/routines", """
            {"name":"refunds","spec":{"tasks":["noop",{"key":"refund","task_type":"test.Refund","task_params":{"orderId":"$input.order","cents":"12"}}]}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadObjectAsync())["errors"]!.AsObject();
        Assert.Contains("takes an integer here, not a string", (string?)errors["spec.tasks[1].task_params.cents"]![0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.GetAsync("/api/v1/routines/refunds")).StatusCode);
    }
}

public sealed class RefundParams
{
    [Description("The order to refund.")]
    [RegularExpression("^o-[0-9]+$")]
    public required string OrderId { get; init; }

    [Range(1, int.MaxValue)]
    public required int Cents { get; init; }
}

[TaskType("test.Refund")]
public sealed class RefundTask : FlowTask<RefundParams, int>
{
    protected override ValueTask<int> PerformAsync(RefundParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(parameters.Cents);
}
