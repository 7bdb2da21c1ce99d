using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowMachine.Hosting.Tests;

/// <summary>The worker as a hosted service on a real SQLite file.</summary>
public sealed class HostedWorkerTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_hosted_worker_runs_the_seed_routine_through_wait_and_resubmit()
    {
        using var host = Hosts.Build(temp.File("flows.db"));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IFlowClient>();

        var started = await client.StartAsync(new StartFlowRequest { SpecText = "tasks: [test.One, test.Two, test.Wait, test.Three]" });
        var view = await Hosts.WaitForStateAsync(client, started.Flow.Id, FlowState.Waiting);
        Assert.Equal(2, view.Flow.Position);

        await client.SubmitAsync(started.Flow.Id, new JsonObject { ["ok"] = true });
        view = await Hosts.WaitForStateAsync(client, started.Flow.Id, FlowState.Completed);
        Assert.All(view.Steps, s => Assert.Equal(StepState.Completed, s.State));
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_from_starting_and_name_the_setting()
    {
        using var host = Hosts.Build(temp.File("flows.db"), o => o.Concurrency = 0);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("FlowMachine:Concurrency", error.Message);
    }

    [Fact]
    public async Task Stopping_releases_steps_in_flight_and_the_next_worker_reruns_them_with_the_next_attempt()
    {
        var db = temp.File("flows.db");
        string id;
        using (var first = Hosts.Build(db, o => o.ShutdownGrace = TimeSpan.FromMilliseconds(100)))
        {
            await first.StartAsync();
            var client = first.Services.GetRequiredService<IFlowClient>();
            id = (await client.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: long, task_type: example.VeryLong, task_params: { seconds: 1 } }]" })).Flow.Id;
            await Hosts.WaitForAsync(client, id, v => v.Step("long").State == StepState.Running);
            await first.StopAsync();

            var stopped = (await client.GetAsync(id))!;
            Assert.Null(stopped.Flow.LeaseOwner); // released at once, not left to expire
            Assert.NotNull(stopped.Flow.NextRunAt);
            Assert.Equal(StepState.Running, stopped.Step("long").State);
        }

        using var second = Hosts.Build(db);
        await second.StartAsync();
        var view = await Hosts.WaitForStateAsync(second.Services.GetRequiredService<IFlowClient>(), id, FlowState.Completed);
        Assert.Equal(2, view.Step("long").Attempts);
        await second.StopAsync();
    }

    [Fact]
    public async Task Waiting_flows_and_pending_timers_survive_a_full_restart()
    {
        var db = temp.File("flows.db");
        string timer, waiting;
        using (var first = Hosts.Build(db))
        {
            await first.StartAsync();
            var client = first.Services.GetRequiredService<IFlowClient>();
            timer = (await client.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: nap, task_type: delay, task_params: { seconds: 1 } }, t.count]" })).Flow.Id;
            waiting = (await client.StartAsync(new StartFlowRequest { SpecText = "tasks: [test.One, test.Wait, t.count]" })).Flow.Id;
            await Hosts.WaitForStateAsync(client, timer, FlowState.Waiting);
            await Hosts.WaitForStateAsync(client, waiting, FlowState.Waiting);
            await first.StopAsync();
        }

        Assert.Equal(0, Executions.Of(timer, "t.count"));
        using var second = Hosts.Build(db);
        await second.StartAsync();
        var again = second.Services.GetRequiredService<IFlowClient>();
        var timed = await Hosts.WaitForStateAsync(again, timer, FlowState.Completed);
        Assert.Equal(1, Executions.Of(timer, "t.count"));
        Assert.Equal(StepState.Completed, timed.Step("nap").State);

        await again.PushAsync(waiting, new JsonObject { ["approved"] = true });
        var pushed = await Hosts.WaitForStateAsync(again, waiting, FlowState.Completed);
        Assert.True(pushed.Step("test.Wait").Result!["approved"]!.GetValue<bool>());
        await second.StopAsync();
    }

    [Fact]
    public async Task Many_flows_across_many_worker_tasks_and_two_workers_run_each_step_exactly_once()
    {
        var db = temp.File("flows.db");
        using var a = Hosts.Build(db, o => { o.Concurrency = 8; o.WorkerId = "worker-a"; });
        using var b = Hosts.Build(db, o => { o.Concurrency = 8; o.WorkerId = "worker-b"; });
        await a.StartAsync();
        await b.StartAsync();
        var client = a.Services.GetRequiredService<IFlowClient>();
        const string spec = "tasks: [t.count, t.count, t.count, t.count, t.count]";
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add((await client.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id);
        }

        foreach (var id in ids)
        {
            await Hosts.WaitForStateAsync(client, id, FlowState.Completed, seconds: 60);
        }

        var keys = new[] { "t.count", "t.count#2", "t.count#3", "t.count#4", "t.count#5" };
        Assert.All(ids, id => Assert.All(keys, key => Assert.Equal(1, Executions.Of(id, key))));
        var store = a.Services.GetRequiredService<IFlowStore>();
        var history = await store.GetHistoryAsync(ids[0], 0, 100, default);
        Assert.Equal(5, history.Count(e => e.Kind == HistoryKinds.StepStarted));
        await Task.WhenAll(a.StopAsync(), b.StopAsync());
    }
}
