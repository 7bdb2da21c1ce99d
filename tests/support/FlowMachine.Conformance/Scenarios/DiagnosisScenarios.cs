using System.Text.Json.Nodes;
using FlowMachine.Diagnosis;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>
/// Why a flow is not moving (<see cref="FlowDiagnoser"/>), one scenario per case, on every store and a fake clock: the
/// kind, the sentence and the facts behind it.
/// </summary>
public abstract class DiagnosisScenarios : ScenarioBase
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static WorkerRecord Worker(string id, DateTimeOffset heartbeat, string queue = "default", string type = "noop") => new()
    {
        Id = id,
        Host = "box-1",
        ProcessId = 7,
        Queues = [queue],
        TaskTypes = new Dictionary<string, string> { [type] = queue },
        StartedAt = heartbeat,
        HeartbeatAt = heartbeat,
    };

    private static async Task<FlowDiagnosis> WhyAsync(EngineHarness h, string id) =>
        (await new FlowDiagnoser(h.Store, h.Time).DiagnoseAsync(id, default))!;

    [Fact]
    public async Task A_finished_flow_has_nothing_to_diagnose_and_an_unknown_one_none()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [noop]");

        var why = await WhyAsync(h, view.Flow.Id);
        Assert.Equal((DiagnosisKinds.Finished, "COMPLETED"), (why.Kind, why.State));
        Assert.Equal("The flow has finished (COMPLETED): nothing holds it.", why.Summary);
        Assert.Null(await new FlowDiagnoser(h.Store, h.Time).DiagnoseAsync("nope", default));
    }

    [Fact]
    public async Task A_step_waiting_for_input_says_how_to_push_or_resubmit()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [{ key: approve, task_type: wait, task_params: { reason: 'needs a manager' } }]");
        var id = view.Flow.Id;

        var why = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.Input, why.Kind);
        Assert.Equal("approve", why.Facts.StepKey);
        Assert.Equal("needs a manager", why.Facts.WaitReason);
        Assert.Equal([$"flowmachine flows push {id} VALUE", $"flowmachine flows submit {id}"], why.Facts.Commands);
        Assert.StartsWith("Step approve waits for input since ", why.Summary, StringComparison.Ordinal);
        Assert.Contains($"push a value (flowmachine flows push {id} VALUE)", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_waiting_for_an_event_names_it_and_the_events_that_came_with_other_names()
    {
        await using var h = await NewHarnessAsync();
        var id = (await h.StartAndRunAsync("tasks: [{ key: pay, task_type: wait, task_params: { event: paid } }]")).Flow.Id;
        var started = h.Time.GetUtcNow();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Engine.RaiseEventAsync(id, "payed");
        await h.RunAsync(id); // takes nothing: no step waits for "payed"

        var why = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.Event, why.Kind);
        Assert.Equal(("pay", "paid", started), (why.Facts.StepKey, why.Facts.Event, why.Facts.Since));
        Assert.Equal("payed", Assert.Single(why.Facts.OtherEvents!).Name);
        Assert.Equal($"flowmachine flows event {id} paid", Assert.Single(why.Facts.Commands!));
        Assert.Contains("events came with other names: payed", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_waiting_for_its_timer_says_when_it_resumes()
    {
        await using var h = await NewHarnessAsync();
        var id = (await h.StartAndRunAsync("tasks: [{ key: nap, task_type: delay, task_params: { seconds: 3600 } }]")).Flow.Id;

        var why = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.Timer, why.Kind);
        Assert.Equal(h.Time.GetUtcNow().AddHours(1), why.Facts.DueAt);
        Assert.Contains("it resumes by itself at ", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_waiting_for_a_child_flow_names_the_child_and_its_state()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: sub, task_type: flow, task_params: { spec: { tasks: [{ key: hold, task_type: wait }] } } }
            """);
        Assert.Equal(FlowState.Spawned, view.State);

        var why = await WhyAsync(h, view.Flow.Id);
        Assert.Equal(DiagnosisKinds.Children, why.Kind);
        var child = Assert.Single(why.Facts.Children!);
        Assert.Equal("WAITING", child.State);
        Assert.Contains($"{child.FlowId} (WAITING)", why.Summary, StringComparison.Ordinal);
        Assert.Equal(DiagnosisKinds.Input, (await WhyAsync(h, child.FlowId)).Kind);
    }

    [Fact]
    public async Task A_leased_flow_names_its_worker_alive_silent_or_gone_with_heartbeat_and_lease()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [noop]");
        var now = h.Time.GetUtcNow();
        await h.Store.ClaimFlowAsync(id, "w-7", now, Lease, default);

        var unknown = await WhyAsync(h, id);
        Assert.Equal((DiagnosisKinds.Running, "w-7", (bool?)null, now + Lease), (unknown.Kind, unknown.Facts.Worker, unknown.Facts.WorkerLive, unknown.Facts.LeaseExpiresAt));

        await h.Store.RegisterWorkerAsync(Worker("w-7", now), default);
        var live = await WhyAsync(h, id);
        Assert.Equal((DiagnosisKinds.Running, (bool?)true, (DateTimeOffset?)now), (live.Kind, live.Facts.WorkerLive, live.Facts.WorkerHeartbeatAt));
        Assert.StartsWith("Worker w-7 holds the flow and is live", live.Summary, StringComparison.Ordinal);

        await h.Store.RegisterWorkerAsync(Worker("w-7", now.AddSeconds(-40)), default);
        var silent = await WhyAsync(h, id);
        Assert.Equal((DiagnosisKinds.WorkerSilent, (bool?)false), (silent.Kind, silent.Facts.WorkerLive));
        Assert.Contains("its last heartbeat was 40 s ago", silent.Summary, StringComparison.Ordinal);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var expired = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.LeaseExpired, expired.Kind);
        Assert.Contains("the next worker to claim the flow takes it over", expired.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_due_flow_says_how_long_it_waits_what_it_needs_and_whether_a_live_worker_serves_it()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: train, task_type: noop, queue: gpu }]");
        h.Time.Advance(TimeSpan.FromMinutes(10));

        var none = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.NoWorker, none.Kind);
        Assert.Equal(600, none.Facts.WaitingSeconds);
        Assert.Equal([new DiagnosisNeed("gpu", "noop", 0)], none.Facts.Needs);
        Assert.Contains("(10 min ago) but no live worker is registered: start one (flowmachine worker --queue gpu)", none.Summary, StringComparison.Ordinal);

        var now = h.Time.GetUtcNow();
        await h.Store.RegisterWorkerAsync(Worker("cpu-1", now), default);
        var other = await WhyAsync(h, id); // serves default, not gpu
        Assert.Equal(DiagnosisKinds.NoWorker, other.Kind);
        Assert.Contains("but no live worker serves queue gpu with task type noop: start one (flowmachine worker --queue gpu)", other.Summary, StringComparison.Ordinal);
        await h.Store.RegisterWorkerAsync(Worker("gpu-1", now, queue: "gpu"), default);

        var due = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.Due, due.Kind);
        Assert.Equal([new DiagnosisNeed("gpu", "noop", 1)], due.Facts.Needs);
        Assert.Equal(2, due.Facts.LiveWorkers);
        Assert.Contains("and not claimed yet: it needs a worker of queue gpu with task type noop", due.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_held_back_for_a_concurrency_slot_names_the_key_and_who_holds_it()
    {
        await using var h = await NewHarnessAsync();
        var now = h.Time.GetUtcNow();
        Assert.True(await h.Store.AcquireSlotAsync(new SlotRequest("customer:42", 1, "elsewhere", "sync", "w-9", now, now.AddHours(1)), default));
        var id = (await h.StartAndRunAsync("tasks: [{ key: call, task_type: noop, concurrency: { key: \"$input.customer\", limit: 1 } }]", new JsonObject { ["customer"] = 42 })).Flow.Id;

        var why = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.ConcurrencySlot, why.Kind);
        Assert.Equal(("call", "customer:42"), (why.Facts.StepKey, why.Facts.LimitKey));
        Assert.Equal([new DiagnosisHolder("elsewhere", "sync", "w-9")], why.Facts.Holders);
        Assert.Contains("waits for a concurrency slot of key 'customer:42' (limit 1), held by step sync of flow elsewhere (worker w-9)", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_held_back_for_a_rate_token_says_when_the_next_comes_back()
    {
        await using var h = await NewHarnessAsync();
        const string spec = "tasks: [{ key: send, task_type: noop, rate: { limit: 1, per: 1h, key: \"$input.tenant\" } }]";
        await h.StartAndRunAsync(spec, new JsonObject { ["tenant"] = "acme" });
        var id = (await h.StartAndRunAsync(spec, new JsonObject { ["tenant"] = "acme" })).Flow.Id;

        var why = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.RateToken, why.Kind);
        Assert.Equal(("tenant:acme", h.Time.GetUtcNow().AddHours(1)), (why.Facts.LimitKey, why.Facts.DueAt));
        Assert.Contains("waits for a rate token of key 'tenant:acme' (1 per 1h)", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_flow_and_a_flow_of_a_paused_routine_say_how_to_resume()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [noop]");
        await h.Store.SetFlowSuspendedAsync(id, true, "ops", h.Time.GetUtcNow(), default);
        var suspended = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.Suspended, suspended.Kind);
        Assert.Equal($"flowmachine flows resume {id}", Assert.Single(suspended.Facts.Commands!));

        await h.Store.SaveRoutineAsync("nightly", """{"tasks":[{"key":"b","task_type":"noop"}]}""", null, h.Time.GetUtcNow(), default);
        await h.Store.SetRoutinePausedAsync("nightly", true, "ops", h.Time.GetUtcNow(), default);
        var paused = (await h.Engine.StartAsync(new StartFlowRequest { Routine = "nightly" })).Flow.Id;
        var why = await WhyAsync(h, paused);
        Assert.Equal((DiagnosisKinds.RoutinePaused, "nightly"), (why.Kind, why.Facts.Routine));
        Assert.Contains("(flowmachine routines resume nightly)", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_waiting_for_its_retry_says_when_it_runs_again()
    {
        await using var h = await NewHarnessAsync();
        var id = (await h.StartAndRunAsync("tasks: [{ key: shaky, task_type: t.flaky, task_params: { succeed_on: 3 }, retry: { attempts: 3, delay: 60 } }]")).Flow.Id;

        var why = await WhyAsync(h, id);
        Assert.Equal(DiagnosisKinds.Retry, why.Kind);
        Assert.Equal(("shaky", h.Time.GetUtcNow().AddMinutes(1)), (why.Facts.StepKey, why.Facts.DueAt));
        Assert.StartsWith("Step shaky failed attempt 1 and waits for its retry", why.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_attention_list_holds_unclaimed_unserved_expired_and_lost_flows()
    {
        await using var h = await NewHarnessAsync();
        var old = await h.StartAsync("tasks: [noop]");
        h.Time.Advance(TimeSpan.FromMinutes(10));
        var t1 = h.Time.GetUtcNow();
        await h.StartAsync("tasks: [noop]"); // due for a minute only: not listed
        var expired = await h.StartAsync("tasks: [noop]");
        await h.Store.ClaimFlowAsync(expired, "w-dead", t1, Lease, default);
        var routed = await h.StartAsync("tasks: [noop]");
        var claimed = (await h.Store.ClaimFlowAsync(routed, "w-1", t1, Lease, default))!;
        var row = claimed.Flow.Clone();
        row.Route = "gpu/noop";
        await h.Store.CommitAsync(new FlowTransition { LeaseOwner = "w-1", Flow = row, Release = true }, default);
        var lost = await h.StartAsync("tasks: [noop]");
        claimed = (await h.Store.ClaimFlowAsync(lost, "w-1", t1, TimeSpan.FromHours(1), default))!;
        var step = claimed.Steps[0].Clone();
        (step.State, step.Recoveries, step.StartedAt) = (StepState.Running, 2, t1);
        row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        await h.Store.CommitAsync(new FlowTransition { LeaseOwner = "w-1", Flow = row, Steps = [step] }, default);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Store.RegisterWorkerAsync(Worker("w-1", h.Time.GetUtcNow()), default);

        var list = await new AttentionReader(h.Store, h.Time).ReadAsync(AttentionReader.DefaultThreshold, null, 100, default);
        Assert.Equal(300, list.ThresholdSeconds);
        Assert.Equal(
            [(routed, AttentionReasons.NoWorker), (expired, AttentionReasons.LeaseExpired), (old, AttentionReasons.Unclaimed), (lost, AttentionReasons.WorkerLost)],
            list.Items.Select(i => (i.FlowId, i.Reason)));
        Assert.Contains("no live worker serves queue gpu with task type noop", list.Items[0].Summary, StringComparison.Ordinal);
        Assert.Equal("The lease of worker w-dead expired 30 s ago and no worker has taken the flow over.", list.Items[1].Summary);
        Assert.StartsWith("Due for 11 min and not claimed, though 1 live worker is registered", list.Items[2].Summary, StringComparison.Ordinal);
        Assert.Equal(("noop", "Step noop (noop) lost its worker 2 times; it is RUNNING now (see the worker's logs for why it died)."), (list.Items[3].StepKey, list.Items[3].Summary));

        var mine = await new AttentionReader(h.Store, h.Time).ReadAsync(AttentionReader.DefaultThreshold, "someone-else", 100, default);
        Assert.Empty(mine.Items);
    }

    [Fact]
    public async Task A_flow_past_its_deadline_says_so_and_one_failed_by_it_says_it_failed_by_deadline()
    {
        await using var h = await NewHarnessAsync();
        var id = (await h.StartAndRunAsync("cfg: { deadline: 10m }\ntasks: [{ key: approve, task_type: wait }]")).Flow.Id;
        var deadline = h.Time.GetUtcNow().AddMinutes(10);

        var before = await WhyAsync(h, id);
        Assert.Equal((DiagnosisKinds.Input, (DateTimeOffset?)deadline), (before.Kind, before.Facts.Deadline)); // the deadline is a fact of every diagnosis

        h.Time.Advance(TimeSpan.FromMinutes(12));
        var past = await WhyAsync(h, id);
        Assert.Equal((DiagnosisKinds.Deadline, "WAITING", (DateTimeOffset?)deadline), (past.Kind, past.State, past.Facts.Deadline));
        Assert.StartsWith("The flow is past its deadline (2026-01-01 00:10:00 UTC, 2 min ago)", past.Summary, StringComparison.Ordinal);
        Assert.Equal($"flowmachine flows cancel {id}", Assert.Single(past.Facts.Commands!));

        Assert.Equal(FlowState.Failed, (await h.RunAsync(id)).State);
        var failed = await WhyAsync(h, id);
        Assert.Equal((DiagnosisKinds.Deadline, "FAILED", (DateTimeOffset?)deadline), (failed.Kind, failed.State, failed.Facts.Deadline));
        Assert.StartsWith("The flow failed by its deadline (2026-01-01 00:10:00 UTC)", failed.Summary, StringComparison.Ordinal);
        Assert.Equal($"flowmachine flows retry {id}", Assert.Single(failed.Facts.Commands!));
    }
}
