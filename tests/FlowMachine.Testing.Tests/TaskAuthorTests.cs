using System.Diagnostics;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Testing.Tests.Tasks;

namespace FlowMachine.Testing.Tests;

/// <summary>The tests a task author typically writes, one per kind of outcome.</summary>
public sealed class TaskAuthorTests
{
    internal const string Checkout = """
        label: checkout
        tasks:
          - { key: approve, task_type: shop.Approve, task_params: { amount: "$input.amount" } }
          - { key: confirm, task_type: print, task_params: { msg: "$tasks.approve.result" } }
        """;

    [Fact]
    public async Task Wait_then_push_runs_the_next_step_with_the_pushed_value()
    {
        await using var host = new FlowTestHost().AddTask<ApproveOrder>();

        var flow = await host.RunAsync(Checkout, new { amount = 250 });
        flow.ShouldBeWaiting("manual review").ShouldHavePath("approve");

        flow = await host.PushAsync(flow.Id, "approved by ann");

        flow.ShouldBeCompleted()
            .ShouldHavePath("approve", "confirm")
            .ShouldHaveStepResult("approve", "approved by ann")
            .ShouldHaveResult("approved by ann");
        Assert.Contains("approved by ann", host.LogLines);
    }

    [Fact]
    public async Task A_small_order_runs_through_without_waiting()
    {
        await using var host = new FlowTestHost().AddTask<ApproveOrder>();

        var flow = await host.RunAsync(Checkout, new { amount = 20 });

        flow.ShouldBeCompleted().ShouldHavePath("approve", "confirm").ShouldHaveStepResult("approve", "auto-approved");
    }

    [Fact]
    public async Task A_retry_with_backoff_runs_again_only_when_the_clock_reaches_each_delay()
    {
        await using var host = new FlowTestHost().AddTask<ChargeCard>();
        var flow = await host.RunAsync("""
            tasks:
              - { key: charge, task_type: shop.Charge, retry: { attempts: 3, delay: 2, factor: 2 } }
            """);

        // Attempt 1 failed; the retry waits 2 s, then 4 s.
        flow.ShouldBe(FlowState.Running).ShouldHaveStep("charge", StepState.Pending);
        Assert.Equal(1, flow.Attempts("charge"));

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromSeconds(1.9));
        Assert.Equal(1, flow.Attempts("charge"));

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, flow.Attempts("charge"));
        flow.ShouldHaveStep("charge", StepState.Pending);

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromSeconds(4));

        flow.ShouldBeCompleted().ShouldHavePath("charge");
        Assert.Equal(3, flow.StepResult<ChargeResult>("charge")!.Attempt);
        Assert.Equal(2, flow.History.Count(e => e.Kind == HistoryKinds.StepRetry));
        Assert.Equal(
            ["charge flow-000001/charge/1 at 00:00:00", "charge flow-000001/charge/2 at 00:00:02", "charge flow-000001/charge/3 at 00:00:06"],
            host.LogLines);
    }

    [Fact]
    public async Task Advancing_past_several_retries_at_once_runs_each_at_its_own_time()
    {
        await using var host = new FlowTestHost().AddTask<ChargeCard>();
        var flow = await host.RunAsync("tasks: [{ key: charge, task_type: shop.Charge, retry: { attempts: 3, delay: 2, factor: 2 } }]");

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromMinutes(1));

        flow.ShouldBeCompleted();
        Assert.Equal(3, flow.Attempts("charge"));
        Assert.EndsWith("at 00:00:06", host.LogLines[^1], StringComparison.Ordinal);
        Assert.Equal(ManualClock.DefaultStart.AddMinutes(1), host.Clock.GetUtcNow());
    }

    [Fact]
    public async Task A_retry_that_runs_out_of_attempts_fails_the_flow_with_the_last_error()
    {
        await using var host = new FlowTestHost().AddTask<ChargeCard>();
        var flow = await host.RunAsync("tasks: [{ key: charge, task_type: shop.Charge, retry: { attempts: 2, delay: 1 } }]");

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromSeconds(1));

        flow.ShouldBeFailed("gateway timeout (attempt 2)").ShouldHaveStep("charge", StepState.Failed);
    }

    [Fact]
    public async Task A_week_long_delay_completes_in_milliseconds_of_real_time()
    {
        await using var host = new FlowTestHost();
        var watch = Stopwatch.StartNew();

        var flow = await host.RunAsync("""
            tasks:
              - { key: wait_a_week, task_type: delay, task_params: { seconds: 604800 } }
              - { key: remind, task_type: print, task_params: { msg: "a week later" } }
            """);
        flow.ShouldBeWaiting().ShouldHavePath("wait_a_week");

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        flow.ShouldBeWaiting();

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromSeconds(1));

        watch.Stop();
        flow.ShouldBeCompleted().ShouldHavePath("wait_a_week", "remind").ShouldHaveResult("a week later");
        Assert.Equal(ManualClock.DefaultStart.AddDays(7), flow.Step("remind").StartedAt);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"a simulated week took {watch.Elapsed} of real time");
    }

    [Fact]
    public async Task A_task_that_waits_until_a_week_from_now_resumes_by_itself()
    {
        await using var host = new FlowTestHost().AddTask<RemindLater>();
        var watch = Stopwatch.StartNew();

        var flow = await host.RunAsync("tasks: [shop.RemindLater, noop]");
        flow.ShouldBeWaiting("a week to think");
        Assert.Equal(ManualClock.DefaultStart.AddDays(7), flow.Step("shop.RemindLater").WaitUntil);

        flow = await host.AdvanceAsync(flow.Id, TimeSpan.FromDays(8));

        flow.ShouldBeCompleted().ShouldHavePath("shop.RemindLater", "noop");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"a simulated week took {watch.Elapsed} of real time");
    }

    [Fact]
    public async Task A_resubmit_completes_the_step_only_when_its_check_passes()
    {
        await using var host = new FlowTestHost().AddTask<AwaitPayment>();
        var flow = await host.RunAsync("tasks: [shop.AwaitPayment, { key: ship, task_type: print, task_params: { msg: shipped } }]");
        flow.ShouldBeWaiting("payment pending");

        flow = await host.SubmitAsync(flow.Id, new { paid = false });
        flow.ShouldBeWaiting("payment pending").ShouldHavePath("shop.AwaitPayment");
        Assert.Contains(flow.History, e => e.Kind == HistoryKinds.CheckNotReady);

        flow = await host.SubmitAsync(flow.Id, new { paid = true });

        flow.ShouldBeCompleted()
            .ShouldHavePath("shop.AwaitPayment", "ship")
            .ShouldHaveStepResult("shop.AwaitPayment", new { paid = true });
    }

    [Fact]
    public async Task A_spawned_child_flow_runs_and_its_result_becomes_the_step_result()
    {
        await using var host = new FlowTestHost().AddTask<ShipParcels>().AddTask<LabelParcels>();
        await host.AddRoutineAsync("ship", "tasks: [shop.Label]");

        var flow = await host.RunAsync("""
            tasks:
              - { key: ship, task_type: shop.Ship, task_params: { parcels: 2 } }
              - { key: done, task_type: print, task_params: { msg: "$tasks.ship.result" } }
            """);

        flow.ShouldBeCompleted().ShouldHavePath("ship", "done").ShouldHaveStepResult("ship", new[] { "label-1", "label-2" });
        var child = Assert.Single(await host.ChildrenAsync(flow.Id));
        child.ShouldBeCompleted().ShouldHavePath("shop.Label");
        Assert.Equal(flow.Id, child.Flow.ParentFlowId);
    }

    [Fact]
    public async Task A_raised_event_resumes_the_step_that_waits_for_it()
    {
        await using var host = new FlowTestHost();
        var flow = await host.RunAsync("tasks: [{ key: signed, task_type: wait, task_params: { reason: contract, event: signed } }, noop]");
        flow.ShouldBeWaiting("contract");

        flow = await host.RaiseEventAsync(flow.Id, "signed", new { by = "ann" });

        flow.ShouldBeCompleted().ShouldHaveStepResult("signed", new { by = "ann" });
    }

    [Fact]
    public async Task An_event_raised_by_key_resumes_every_flow_waiting_for_that_key()
    {
        await using var host = new FlowTestHost()
            .AddTask("shop.AwaitPacking", context => Outcome.Wait(@event: "shipment.packed", key: context.Input!["order"]!.GetValue<int>()));
        const string Spec = "tasks: [{ key: packed, task_type: shop.AwaitPacking }, noop]";
        var first = await host.RunAsync(Spec, new { order = 42 });
        var second = await host.RunAsync(Spec, new { order = 42 });
        var other = await host.RunAsync(Spec, new { order = 7 });
        first.ShouldBeWaiting("waiting for event shipment.packed with key 42");

        var raised = await host.RaiseEventByKeyAsync("shipment.packed", "42", new { box = 1 }, id: "evt-1");

        Assert.Equal(new KeyedEventResult(2, Duplicate: false), raised);
        (await host.GetAsync(first.Id)).ShouldBeCompleted().ShouldHaveStepResult("packed", new { box = 1 });
        (await host.GetAsync(second.Id)).ShouldBeCompleted();
        (await host.GetAsync(other.Id)).ShouldBeWaiting();
        Assert.True((await host.RaiseEventByKeyAsync("shipment.packed", "7", id: "evt-1")).Duplicate);
    }

    [Fact]
    public async Task A_lambda_task_is_enough_for_a_fake()
    {
        await using var host = new FlowTestHost().AddTask("fake.Quote", context => Outcome.Result(context.RequiredParam<int>("n") * 2));

        var flow = await host.RunAsync("tasks: [{ key: q, task_type: fake.Quote, task_params: { n: 21 } }]");

        Assert.Equal(42, flow.ShouldBeCompleted().StepResult<int>("q"));
    }

    [Fact]
    public async Task A_cancelled_flow_skips_what_did_not_run()
    {
        await using var host = new FlowTestHost().AddTask<ApproveOrder>();
        var flow = await host.RunAsync(Checkout, new { amount = 500 });

        flow = await host.CancelAsync(flow.Id, "customer changed their mind");

        flow.ShouldBeCancelled().ShouldHaveStep("confirm", StepState.Skipped);
    }

    private sealed record ChargeResult(string Receipt, int Attempt);
}
