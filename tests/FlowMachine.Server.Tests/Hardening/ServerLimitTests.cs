using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.Server.Tests.Support;
using FlowMachine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Tests.Hardening;

/// <summary>The server's limits on spec size, steps and results, each refused with a clear error and nothing stored.</summary>
public sealed class ServerLimitTests
{
    [Fact]
    public async Task Specs_and_results_over_the_configured_limits_are_refused_clearly()
    {
        await using var server = await CustomServer.StartAsync(o =>
        {
            o.MaxSpecBytes = 4096;
            o.MaxSpecSteps = 5;
            o.MaxResultBytes = 1024;
        });
        var store = server.App.Services.GetRequiredService<IFlowStore>();

        var sixSteps = """{"spec":["noop","noop","noop","noop","noop","noop"]}""";
        var problem = await (await server.Admin.PostJsonAsync("/api/v1/flows", sixSteps)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("more than the limit of 5 (SpecLimits.MaxSteps)", problem["errors"]!["spec"]!.ToJsonString(), StringComparison.Ordinal);

        var bigSpec = new JsonObject { ["name"] = "big", ["spec"] = new JsonObject { ["label"] = new string('x', 5000), ["tasks"] = new JsonArray("noop") } };
        problem = await (await server.Admin.PostJsonAsync("/api/v1/routines", bigSpec.ToJsonString())).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("limit of 4,096 bytes (SpecLimits.MaxBytes)", problem["errors"]!["spec"]!.ToJsonString(), StringComparison.Ordinal);

        // As YAML text in a string the same limits hold.
        var yaml = new JsonObject { ["spec"] = "tasks: [noop, noop, noop, noop, noop, noop]" };
        await (await server.Admin.PostJsonAsync("/api/v1/flows", yaml.ToJsonString())).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, (await store.CountFlowsByStateAsync(null, default)).Values.Sum());
        Assert.Empty(await store.ListRoutinesAsync(default));

        // print returns its message: 2,000 characters is over a 1,024-byte result limit.
        var started = await server.Admin.PostJsonAsync("/api/v1/flows", new JsonObject
        {
            ["spec"] = new JsonObject { ["tasks"] = new JsonArray(new JsonObject { ["key"] = "p", ["task_type"] = "print", ["task_params"] = new JsonObject { ["msg"] = new string('m', 2000) } }) },
        }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var flow = await ServerFixture.WaitForStateAsync(server.Admin, (string)(await started.ReadObjectAsync())["id"]!, "FAILED");
        var step = flow["steps"]![0]!;
        Assert.Null(step["result"]);
        Assert.Contains("the result is 2002 bytes of JSON, more than the limit of 1024 bytes (FlowEngineOptions.MaxResultBytes)", (string)step["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_one_mebibyte_for_bodies_specs_and_results_and_ten_thousand_steps()
    {
        var options = new FlowMachineServerOptions();
        Assert.Equal(1024 * 1024, options.MaxRequestBodyBytes);
        Assert.Equal(1024 * 1024, options.MaxSpecBytes);
        Assert.Equal(10_000, options.MaxSpecSteps);
        Assert.Equal(1024 * 1024, options.MaxResultBytes);
    }
}
