using System.Text.Json.Nodes;
using FlowMachine.Client.Tests.Support;
using FlowMachine.Storage;
using Microsoft.AspNetCore.TestHost;

namespace FlowMachine.Client.Tests;

/// <summary>The client against the server on the ASP.NET test server: the same results as the in-process client.</summary>
public sealed class FlowMachineClientTests(TestServerFixture server) : IClassFixture<TestServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_seed_scenario_runs_through_the_client_start_wait_resubmit_push_history()
    {
        var client = server.Client();
        var started = await client.StartAsync(SeedSpecs.SeedStart(tags: ["vip"]));
        Assert.True(started.Created);
        Assert.Equal("egg", started.Flow.Label);
        Assert.Equal(["vip"], started.Flow.Tags);

        var waiting = await WaitForAsync(client, started.Flow.Id, FlowState.Waiting);
        Assert.Equal("Wait for external", waiting.Flow.WaitReason);
        Assert.Equal(42, (int)waiting.Flow.Input!["order"]!);
        Assert.Equal(["test.One", "test.Two", "test.Wait", "test.Three"], waiting.Steps.Select(s => s.Key));
        Assert.Equal(StepState.Completed, waiting.Step("test.One").State);
        Assert.Equal(StepState.Waiting, waiting.Step("test.Wait").State);
        Assert.NotNull(waiting.Step("test.Wait").ResumeToken);

        // A failing check leaves it waiting with the check's reason; a passing one lets it go on.
        Assert.Equal(CommandStatus.Accepted, (await client.SubmitAsync(started.Flow.Id, new JsonObject { ["ok"] = false })).Status);
        var refusal = await NotReadyAsync(client, started.Flow.Id);
        Assert.Equal("test.Wait", refusal.StepKey);
        Assert.Equal("check assert ready: False", (string?)refusal.Detail!["reason"]);
        Assert.Equal(FlowState.Waiting, (await client.GetAsync(started.Flow.Id))!.State);
        Assert.Equal(CommandStatus.Accepted, (await client.PushAsync(started.Flow.Id, new JsonObject { ["paid"] = true })).Status);

        var done = await client.WaitForCompletionAsync(started.Flow.Id, Patience);
        Assert.Equal(FlowState.Completed, done.State);
        Assert.True((bool)done.Step("test.Wait").Result!["paid"]!);

        var history = await client.HistoryAsync(started.Flow.Id);
        Assert.Equal("flow.created", history[0].Kind);
        Assert.Contains(history, e => e.Kind == "flow.completed");
        Assert.All(history, e => Assert.Equal(started.Flow.Id, e.FlowId));
        Assert.Equal(history.Select(e => e.Seq).Order(), history.Select(e => e.Seq));
        var rest = await client.HistoryAsync(started.Flow.Id, afterSeq: history[0].Seq, limit: 2);
        Assert.Equal([history[1].Seq, history[2].Seq], rest.Select(e => e.Seq));
    }

    [Fact]
    public async Task Watch_streams_the_flow_until_it_ends()
    {
        var client = server.Client();
        var flowId = (await client.StartAsync(SeedSpecs.SeedStart())).Flow.Id;
        var seen = new List<FlowState>();
        await foreach (var view in client.WatchAsync(flowId).WithCancellation(new CancellationTokenSource(Patience).Token))
        {
            seen.Add(view.State);
            if (view.State == FlowState.Waiting && !seen.Contains(FlowState.Completed))
            {
                Assert.Equal(CommandStatus.Accepted, (await client.PushAsync(flowId, "go")).Status);
            }
        }

        Assert.Contains(FlowState.Waiting, seen);
        Assert.Equal(FlowState.Completed, seen[^1]);
        Assert.Empty(await ToListAsync(client.WatchAsync("no-such-flow")));
    }

    [Fact]
    public async Task A_start_with_a_key_returns_the_same_flow_the_second_time()
    {
        var client = server.Client();
        var key = "order-" + Guid.NewGuid().ToString("N");
        var first = await client.StartAsync(SeedSpecs.SeedStart(key));
        var second = await client.StartAsync(SeedSpecs.SeedStart(key));
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Flow.Id, second.Flow.Id);
        Assert.Equal(key, second.Flow.Key);
    }

    [Fact]
    public async Task List_filters_and_pages_like_the_in_process_client()
    {
        var client = server.Client();
        var tag = "batch-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await client.StartAsync(SeedSpecs.SeedStart(tags: [tag]))).Flow.Id);
        }

        var first = await client.ListAsync(new FlowQuery { Tag = tag, Limit = 2 });
        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.Next);
        var second = await client.ListAsync(new FlowQuery { Tag = tag, Limit = 2, After = first.Next });
        Assert.Single(second.Items);
        Assert.Null(second.Next);
        Assert.Equal(ids.Order(), first.Items.Concat(second.Items).Select(f => f.Id).Order());
        Assert.All(first.Items, f => Assert.Equal("egg", f.Label));

        var none = await client.ListAsync(new FlowQuery { Tag = tag, State = FlowState.Failed });
        Assert.Empty(none.Items);
        await Assert.ThrowsAsync<ArgumentException>(() => client.ListAsync(new FlowQuery { ParentFlowId = "x" }));
    }

    [Fact]
    public async Task Commands_answer_not_found_and_conflict_as_results_and_get_answers_null()
    {
        var client = server.Client();
        Assert.Null(await client.GetAsync("no-such-flow"));
        var missing = await client.PushAsync("no-such-flow", 1);
        Assert.Equal(CommandStatus.NotFound, missing.Status);
        Assert.Contains("no-such-flow", missing.Message, StringComparison.Ordinal);

        var flowId = (await client.StartAsync(SeedSpecs.SeedStart())).Flow.Id;
        await WaitForAsync(client, flowId, FlowState.Waiting);
        Assert.Equal(CommandStatus.Accepted, (await client.CancelAsync(flowId, "not needed")).Status);
        var cancelled = await client.WaitForCompletionAsync(flowId, Patience);
        Assert.Equal(FlowState.Cancelled, cancelled.State);
        Assert.Equal(CommandStatus.Conflict, (await client.PushAsync(flowId, 1)).Status);

        // Retry takes a CANCELLED flow on from where it stopped.
        Assert.Equal(CommandStatus.Accepted, (await client.RetryAsync(flowId)).Status);
        await WaitForAsync(client, flowId, FlowState.Waiting);
        Assert.Equal(CommandStatus.Accepted, (await client.RaiseEventAsync(flowId, "early", new JsonObject { ["x"] = 1 })).Status);
    }

    [Fact]
    public async Task An_invalid_spec_is_a_validation_exception_with_the_spec_paths()
    {
        var client = server.Client();
        var spec = JsonNode.Parse("""{"tasks": ["test.One", "test.Twoo"]}""")!;
        var error = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.StartAsync(new StartFlowRequest { SpecNode = spec }));
        Assert.Equal(400, error.StatusCode);
        var path = Assert.Single(error.Problem.Errors.Keys, k => k.StartsWith("spec.tasks[1]", StringComparison.Ordinal));
        Assert.Contains("test.Two", error.Problem.Errors[path][0], StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.StartAsync(new StartFlowRequest { Routine = "no-such-routine" }));
        Assert.Contains("routine", unknown.Problem.Errors.Keys);
    }

    [Fact]
    public async Task Keys_and_rights_are_typed_exceptions()
    {
        await Assert.ThrowsAsync<FlowMachineUnauthorizedException>(() => server.Client("fm_never-issued").ListAsync(new FlowQuery()));
        await Assert.ThrowsAsync<FlowMachineUnauthorizedException>(() => server.Client(null).GetAsync("x"));

        var alice = server.Client(server.AliceKey);
        var flowId = (await alice.StartAsync(SeedSpecs.SeedStart())).Flow.Id;
        await Assert.ThrowsAsync<FlowMachineForbiddenException>(() => alice.SetPositionAsync(flowId, 0));
        Assert.Equal(CommandStatus.Accepted, (await server.Client().SetPositionAsync(flowId, 0)).Status);

        // Another user's flow is not there for alice, as a flow that does not exist.
        var adminFlow = (await server.Client().StartAsync(SeedSpecs.SeedStart())).Flow.Id;
        Assert.Null(await alice.GetAsync(adminFlow));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_too_large()
    {
        var client = server.Client();
        var big = new JsonObject { ["blob"] = new string('x', 64 * 1024) };
        var error = await Assert.ThrowsAsync<FlowMachineRequestTooLargeException>(() => client.StartAsync(SeedSpecs.SeedStart() with { Input = big }));
        Assert.Equal(413, error.StatusCode);
    }

    [Fact]
    public async Task Task_types_and_routines_are_read_from_the_server()
    {
        var client = server.Client();
        var types = await client.ListTaskTypesAsync();
        Assert.Contains(types, t => t.Name == "test.Wait" && t.HasCheck);

        var name = "routine-" + Guid.NewGuid().ToString("N")[..8];
        var admin = server.App.GetTestClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", TestServerFixture.AdminKey);
        var saved = await admin.PostAsync("/api/v1/routines", new StringContent(new JsonObject { ["name"] = name, ["spec"] = SeedSpecs.Seed() }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, saved.StatusCode);

        var listed = Assert.Single(await client.ListRoutinesAsync(), r => r.Name == name);
        Assert.Equal(1, listed.Version);
        Assert.Equal("admin", listed.Owner);
        var routine = await client.GetRoutineAsync(name);
        Assert.Equal("egg", (string?)routine!.Spec!["label"]);
        Assert.Null(await client.GetRoutineAsync(name, version: 2));
        Assert.Null(await client.GetRoutineAsync("no-such-routine"));

        var started = await client.StartAsync(new StartFlowRequest { Routine = name });
        Assert.Equal(name, started.Flow.Routine);
        Assert.Equal(1, started.Flow.RoutineVersion);
    }

    [Fact]
    public async Task Schedules_workers_and_bulk_actions_are_read_and_run_on_the_server()
    {
        var client = server.Client();
        Assert.Null(await client.GetScheduleAsync("no-such-schedule"));
        Assert.DoesNotContain(await client.ListSchedulesAsync(), s => s.Name == "no-such-schedule");
        var workers = await client.GetWorkersAsync();
        Assert.Contains(workers.Workers, w => w.Live);
        Assert.Contains(workers.Queues, q => q.Name == "default");

        var tag = "bulk-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((await client.StartAsync(SeedSpecs.SeedStart(tags: [tag]))).Flow.Id);
        }

        foreach (var id in ids)
        {
            await WaitForAsync(client, id, FlowState.Waiting);
        }

        var dry = await client.BulkAsync("cancel", new Operations.FlowBulkFilter(Tag: tag), dryRun: true);
        Assert.Equal((2, 0, true), (dry.Matched, dry.Done, dry.DryRun));
        Assert.Equal(ids.Order(), dry.FirstIds.Order());
        var done = await client.BulkAsync("cancel", new Operations.FlowBulkFilter(Tag: tag));
        Assert.Equal((2, 2, 0), (done.Matched, done.Done, done.Refused));
        foreach (var id in ids)
        {
            Assert.Equal(FlowState.Cancelled, (await client.WaitForCompletionAsync(id, Patience)).State);
        }

        var refused = await Assert.ThrowsAsync<FlowMachineValidationException>(() => client.BulkAsync("explode", new Operations.FlowBulkFilter()));
        Assert.Contains("action", refused.Problem.Errors.Keys);
    }

    [Fact]
    public async Task Holds_and_deletes_answer_as_the_database_verbs_do()
    {
        var client = server.Client();
        var flowId = (await client.StartAsync(SeedSpecs.SeedStart())).Flow.Id;
        await WaitForAsync(client, flowId, FlowState.Waiting);
        Assert.Equal(new HoldResult(HoldStatus.Changed, FlowState.Waiting), await client.SuspendFlowAsync(flowId));
        Assert.Equal(HoldStatus.Unchanged, (await client.SuspendFlowAsync(flowId)).Status);
        Assert.True((await client.GetAsync(flowId))!.Flow.Suspended);
        Assert.Equal(HoldStatus.Changed, (await client.SuspendFlowAsync(flowId, suspend: false)).Status);
        Assert.Equal(HoldStatus.NotFound, (await client.SuspendFlowAsync("no-such-flow")).Status);
        Assert.Equal(HoldStatus.NotFound, (await client.PauseRoutineAsync("no-such-routine")).Status);

        await Assert.ThrowsAsync<FlowMachineConflictException>(() => client.DeleteAsync(flowId));
        Assert.Equal(CommandStatus.Accepted, (await client.CancelAsync(flowId)).Status);
        await client.WaitForCompletionAsync(flowId, Patience);
        await Assert.ThrowsAsync<FlowMachineConflictException>(() => client.SuspendFlowAsync(flowId));
        Assert.Equal(FlowDeleteOutcome.Deleted, await client.DeleteAsync(flowId));
        Assert.Equal(FlowDeleteOutcome.NotFound, await client.DeleteAsync(flowId));
        Assert.Null(await client.GetAsync(flowId));
    }

    [Fact]
    public async Task Waiting_past_the_timeout_is_a_timeout()
    {
        var client = server.Client();
        var flowId = (await client.StartAsync(SeedSpecs.SeedStart())).Flow.Id;
        await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForCompletionAsync(flowId, TimeSpan.FromMilliseconds(300)));
        await Assert.ThrowsAsync<FlowMachineNotFoundException>(() => client.WaitForCompletionAsync("no-such-flow", Patience));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitForCompletionAsync(flowId, Patience, cancelled.Token));
    }

    private static Task<FlowView> WaitForAsync(IFlowClient client, string flowId, FlowState state) =>
        WaitUntilAsync(client, flowId, v => v.State == state);

    private static async Task<FlowView> WaitUntilAsync(IFlowClient client, string flowId, Func<FlowView, bool> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var view = await client.GetAsync(flowId) ?? throw new Xunit.Sdk.XunitException($"flow {flowId} is gone");
            if (until(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {flowId} is still {view.State} ({view.Flow.WaitReason})");
            await Task.Delay(25);
        }
    }

    private static async Task<HistoryEvent> NotReadyAsync(IFlowClient client, string flowId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if ((await client.HistoryAsync(flowId)).FirstOrDefault(e => e.Kind == "step.check-not-ready") is { } refusal)
            {
                return refusal;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {flowId} has no failed check in its history");
            await Task.Delay(25);
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
