using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Examples;
using FlowMachine.Registry;
using FlowMachine.Storage;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>
/// Worker pools as real processes (<c>dotnet flowmachine.dll worker</c>) on one database: one without the example
/// tasks, one with them; and a queue no worker serves until one starts. A provider's test project (which builds the
/// tool next to its tests) says which database.
/// </summary>
public abstract class WorkerPoolProcessScenarios : IAsyncLifetime
{
    private const string Mixed = "tasks: [noop, test.One, { key: p, task_type: print, task_params: { msg: hi } }, test.Two, { key: last, task_type: noop }]";
    private readonly List<Process> processes = [];

    /// <summary>The <c>--db</c> value of the tool.</summary>
    protected abstract string Database { get; }

    /// <summary>A store on <see cref="Database"/>.</summary>
    protected abstract IFlowStore CreateStore();

    /// <summary>Creates the database before each test.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops the workers; a provider then drops its database.</summary>
    public virtual Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        return Task.CompletedTask;
    }

    private static ProcessStartInfo Tool(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private void StartWorker(params string[] args)
    {
        var process = Process.Start(Tool(["worker", "--db", Database, "--concurrency", "8", .. args]))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add(process);
    }

    private async Task<JsonNode> WorkersJsonAsync()
    {
        using var process = Process.Start(Tool("workers", "--json", "--db", Database))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"workers exited {process.ExitCode}: {await error}");
        return JsonNode.Parse(await output)!;
    }

    private static async Task<FlowEngine> StarterAsync(IFlowStore store)
    {
        await store.InitializeAsync(CancellationToken.None);
        return new FlowEngine(store, new TaskRegistry().AddBuiltIns().RegisterAssembly(ExampleTasks.Assembly));
    }

    private static async Task<bool> AllCompletedAsync(IFlowStore store, List<string> ids) =>
        (await Task.WhenAll(ids.Select(id => store.GetFlowAsync(id, default).AsTask()))).All(f => f!.State == FlowState.Completed);

    private static async Task WaitUntilAsync(Func<Task<bool>> done, string what, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {seconds} s for {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_worker_without_the_example_tasks_and_one_with_them_complete_mixed_flows_and_no_step_fails_for_a_missing_type()
    {
        var store = CreateStore();
        await using var storeScope = store as IAsyncDisposable;
        await using var starter = await StarterAsync(store);
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add((await starter.StartAsync(new StartFlowRequest { SpecText = Mixed })).Flow.Id);
        }

        StartWorker("--no-examples");
        StartWorker();
        await WaitUntilAsync(() => AllCompletedAsync(store, ids), "every flow to complete", 180);

        // Both processes registered themselves: the one without examples lacks test.One.
        var workers = (await WorkersJsonAsync())["workers"]!.AsArray();
        Assert.Equal(2, workers.Count(w => w!["live"]!.GetValue<bool>()));
        Assert.Single(workers, w => w!["taskTypes"]!.AsObject().ContainsKey("test.One"));
        foreach (var id in ids)
        {
            Assert.All(await store.GetStepsAsync(id, default), s => Assert.Equal((StepState.Completed, 1), (s.State, s.Attempts)));
        }
    }

    [Fact]
    public async Task Flows_on_a_queue_no_worker_serves_wait_visibly_and_finish_once_a_worker_for_it_starts()
    {
        var store = CreateStore();
        await using var storeScope = store as IAsyncDisposable;
        await using var starter = await StarterAsync(store);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await starter.StartAsync(new StartFlowRequest { SpecText = "tasks: [noop, { key: late, task_type: noop, queue: night }]" })).Flow.Id);
        }

        StartWorker();
        await WaitUntilAsync(async () => (await Task.WhenAll(ids.Select(id => store.GetFlowAsync(id, default).AsTask()))).All(f => f!.Route == "night/noop"), "the flows to wait for the night queue", 120);
        var report = await WorkersJsonAsync();
        Assert.Equal(["night"], report["unservedQueues"]!.AsArray().Select(q => q!.GetValue<string>()));
        var night = report["queues"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == "night")!;
        Assert.Equal((5, 0, true), (night["depth"]!.GetValue<int>(), night["liveWorkers"]!.GetValue<int>(), night["waiting"]!.GetValue<bool>()));

        StartWorker("--queue", "night");
        await WaitUntilAsync(() => AllCompletedAsync(store, ids), "the flows to complete", 120);
    }
    [Fact]
    public async Task One_raise_by_key_reaches_flows_that_two_worker_processes_hold_waiting_and_an_early_one_is_kept()
    {
        const string keyed = "tasks: [{ key: packed, task_type: wait, task_params: { event: shipment.packed, key: \"$input.order\" } }, { key: after, task_type: noop }]";
        var store = CreateStore();
        await using var storeScope = store as IAsyncDisposable;
        await using var starter = await StarterAsync(store);
        StartWorker();
        StartWorker();
        async Task<List<string>> StartKeyedAsync(string order, int count)
        {
            var started = new List<string>();
            for (var i = 0; i < count; i++)
            {
                started.Add((await starter.StartAsync(new StartFlowRequest { SpecText = keyed, Input = new JsonObject { ["order"] = order } })).Flow.Id);
            }

            return started;
        }

        var ids = await StartKeyedAsync("K-1", 20);
        var others = await StartKeyedAsync("K-9", 2);
        await WaitUntilAsync(
            async () => (await Task.WhenAll(ids.Concat(others).Select(id => store.GetKeyedWaitsAsync(id, default).AsTask()))).All(w => w.Count == 1),
            "the flows to wait by key", 120);

        Assert.Equal(new KeyedEventResult(20, false), await starter.RaiseKeyedEventAsync("shipment.packed", "K-1", "packed", "evt-1", null));
        await WaitUntilAsync(() => AllCompletedAsync(store, ids), "every reached flow to complete", 120);
        Assert.True((await starter.RaiseKeyedEventAsync("shipment.packed", "K-1", "again", "evt-1", null)).Duplicate);
        Assert.All(await Task.WhenAll(others.Select(id => store.GetFlowAsync(id, default).AsTask())), f => Assert.Equal(FlowState.Waiting, f!.State));

        // Raised before any flow waits for it: the workers' commits that begin the waits deliver it.
        Assert.Equal(0, (await starter.RaiseKeyedEventAsync("shipment.packed", "K-2", "early", null, null)).Reached);
        var late = await StartKeyedAsync("K-2", 5);
        await WaitUntilAsync(() => AllCompletedAsync(store, late), "the late flows to complete", 120);
        Assert.Equal("early", (await store.GetStepsAsync(late[0], default))[0].Result!.GetValue<string>());
    }
}
