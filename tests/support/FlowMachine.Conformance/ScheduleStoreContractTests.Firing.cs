using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// Firing: the flows of a slot and the schedule's new state, written together under the lease.
public abstract partial class ScheduleStoreContractTests
{
    [Fact]
    public async Task Fire_creates_the_flows_moves_the_schedule_and_releases_the_lease()
    {
        var store = await NewStoreAsync();
        await store.CreateScheduleAsync(MakeSchedule("s", T0.AddMinutes(-1)), None);
        await store.CreateScheduleAsync(MakeSchedule("other", T0), None);
        await store.CreateFlowAsync(MakeFlow("plain"), None);
        await FireOnceAsync(store, "other", T0, "o1");

        var claimed = await store.ClaimDueSchedulesAsync("w1", 10, T0, Lease, None);
        Assert.Equal(["s"], claimed.Select(c => c.Schedule.Name));
        var slot1 = T0.AddMinutes(-1);
        var slot2 = T0.AddMilliseconds(-1);
        var firing = new ScheduleFiring
        {
            Name = "s",
            LeaseOwner = "w1",
            Flows = [MakeScheduleFlow("s", slot1, "f1"), MakeScheduleFlow("s", slot2, "f2")],
            NextFireAt = Tms.AddMinutes(1),
            LastSlot = slot2,
            LastFlowKey = KeyOf("s", slot2),
            LastError = "half a problem",
            Now = Tms,
        };
        var result = Assert.Single(await store.FireSchedulesAsync([firing], None));
        Assert.Equal("s", result.Name);
        Assert.True(result.Fired);
        Assert.Equal(["f1", "f2"], result.Created.Select(f => f.Id));
        Assert.Equal(slot2, result.Created[1].Slot);

        var s = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal(Tms.AddMinutes(1), s.NextFireAt);
        Assert.Equal(slot2, s.LastSlot);
        Assert.Equal("f2", s.LastFlowId);
        Assert.Null(s.BufferedSlot);
        Assert.Equal("half a problem", s.LastError);
        Assert.Equal(Tms, s.UpdatedAt);
        Assert.Equal(T0.AddDays(-1), s.CreatedAt);
        Assert.Null(s.LeaseOwner);
        Assert.Null(s.LeaseExpiresAt);

        // The flows are stored whole, with their schedule and slot.
        var f1 = (await store.GetFlowAsync("f1", None))!;
        Assert.Equal("s", f1.Schedule);
        Assert.Equal(slot1, f1.Slot);
        Assert.Equal(KeyOf("s", slot1), f1.Key);
        Assert.Equal("f2", (await store.GetFlowByKeyAsync(KeyOf("s", slot2), None))!.Id);
        Assert.Equal(slot2, (await store.GetFlowByKeyAsync(KeyOf("s", slot2), None))!.Slot);
        Assert.Equal(["s0", "s1"], (await store.GetStepsAsync("f2", None)).Select(x => x.Key));
        Assert.Single(await store.GetHistoryAsync("f2", 0, 10, None));
        var plain = (await store.GetFlowAsync("plain", None))!;
        Assert.Null(plain.Schedule);
        Assert.Null(plain.Slot);

        // Listed by schedule: only that schedule's flows, newest first as every list.
        var page = await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, None);
        Assert.Equal(["f2", "f1"], page.Items.Select(f => f.Id));
        Assert.All(page.Items, f => Assert.Equal("s", f.Schedule));
        Assert.Equal(slot2, page.Items[0].Slot);
        Assert.Equal(["o1"], (await store.ListFlowsAsync(new FlowQuery { Schedule = "other" }, None)).Items.Select(f => f.Id));
        Assert.Empty((await store.ListFlowsAsync(new FlowQuery { Schedule = "s", State = FlowState.Completed }, None)).Items);
        Assert.Equal(3 + 1, (await store.ListFlowsAsync(new FlowQuery(), None)).Items.Count);

        // The lease is free: another worker may take the schedule at once.
        Assert.NotNull(await store.ClaimScheduleAsync("s", "w2", T0, Lease, None));

        // Deleting the schedule leaves its flows.
        Assert.True(await store.DeleteScheduleAsync("s", None));
        Assert.Equal(["f2", "f1"], (await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, None)).Items.Select(f => f.Id));
    }

    [Fact]
    public async Task Fire_does_not_start_a_slot_again()
    {
        var store = await NewStoreAsync();
        await store.CreateScheduleAsync(MakeSchedule("s", T0), None);
        var taken = MakeScheduleFlow("s", T0, "first");
        await store.CreateFlowAsync(taken, None);

        await store.ClaimScheduleAsync("s", "w1", T0, Lease, None);
        var result = Assert.Single(await store.FireSchedulesAsync(
            [
                new ScheduleFiring
                {
                    Name = "s",
                    LeaseOwner = "w1",
                    Flows = [MakeScheduleFlow("s", T0, "second"), MakeScheduleFlow("s", T0.AddMinutes(1), "third")],
                    NextFireAt = T0.AddMinutes(2),
                    LastSlot = T0.AddMinutes(1),
                    LastFlowKey = KeyOf("s", T0),
                    Now = T0,
                },
            ],
            None));

        Assert.True(result.Fired);
        Assert.Equal(["third"], result.Created.Select(f => f.Id));
        Assert.Null(await store.GetFlowAsync("second", None));
        Assert.Empty(await store.GetStepsAsync("second", None));
        Assert.Equal("first", (await store.GetFlowByKeyAsync(KeyOf("s", T0), None))!.Id);

        // The last flow named by key is the one that holds the key.
        Assert.Equal("first", (await store.GetScheduleAsync("s", None))!.LastFlowId);
        Assert.Equal(T0.AddMinutes(2), (await store.GetScheduleAsync("s", None))!.NextFireAt);
    }

    [Fact]
    public async Task Fire_under_a_lost_lease_writes_nothing()
    {
        var store = await NewStoreAsync();
        await store.CreateScheduleAsync(MakeSchedule("s", T0), None);
        Assert.Single(await store.ClaimDueSchedulesAsync("w1", 10, T0, Lease, None));
        Assert.Single(await store.ClaimDueSchedulesAsync("w2", 10, T0 + Lease, Lease, None));

        var result = Assert.Single(await store.FireSchedulesAsync([Firing("s", "w1", T0, "f1")], None));
        Assert.False(result.Fired);
        Assert.Empty(result.Created);
        Assert.Null(await store.GetFlowAsync("f1", None));
        Assert.Empty((await store.ListFlowsAsync(new FlowQuery { Schedule = "s" }, None)).Items);
        var s = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal(T0, s.NextFireAt);
        Assert.Null(s.LastSlot);
        Assert.Null(s.LastFlowId);
        Assert.Equal("w2", s.LeaseOwner);
        Assert.Equal(T0 + Lease + Lease, s.LeaseExpiresAt);

        // No schedule of that name: nothing either.
        var missing = Assert.Single(await store.FireSchedulesAsync([Firing("missing", "w1", T0, "f9")], None));
        Assert.False(missing.Fired);
        Assert.Null(await store.GetFlowAsync("f9", None));
    }

    [Fact]
    public async Task A_trigger_keeps_the_next_fire_and_the_last_slot_only_moves_forward()
    {
        var store = await NewStoreAsync();
        await store.CreateScheduleAsync(MakeSchedule("s", T0.AddHours(1)), None);
        await FireOnceAsync(store, "s", T0, "f1", advances: false);
        var s = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal(T0.AddHours(1), s.NextFireAt);
        Assert.Equal(T0, s.LastSlot);
        Assert.Equal("f1", s.LastFlowId);

        // A backfill of an older slot: the last slot stays, and so does the last flow when none is named.
        await store.ClaimScheduleAsync("s", "w1", T0, Lease, None);
        var backfill = new ScheduleFiring
        {
            Name = "s",
            LeaseOwner = "w1",
            Flows = [MakeScheduleFlow("s", T0.AddHours(-1), "old")],
            AdvancesNextFire = false,
            NextFireAt = T0.AddYears(1),
            LastSlot = T0.AddHours(-1),
            Now = T0,
        };
        Assert.Equal(["old"], Assert.Single(await store.FireSchedulesAsync([backfill], None)).Created.Select(f => f.Id));
        s = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal(T0.AddHours(1), s.NextFireAt);
        Assert.Equal(T0, s.LastSlot);
        Assert.Equal("f1", s.LastFlowId);

        // No last slot at all keeps it too; an advancing firing may end the schedule (no next fire).
        await store.ClaimScheduleAsync("s", "w1", T0, Lease, None);
        Assert.True(Assert.Single(await store.FireSchedulesAsync([new ScheduleFiring { Name = "s", LeaseOwner = "w1", NextFireAt = null, Now = T0 }], None)).Fired);
        s = (await store.GetScheduleAsync("s", None))!;
        Assert.Null(s.NextFireAt);
        Assert.Equal(T0, s.LastSlot);
        Assert.Equal("f1", s.LastFlowId);
        Assert.Null(await store.GetNextScheduleDueAsync(None));
    }

    [Fact]
    public async Task Several_firings_in_one_call_are_each_applied_or_refused()
    {
        var store = await NewStoreAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await store.CreateScheduleAsync(MakeSchedule(name, T0), None);
        }

        Assert.Equal(3, (await store.ClaimDueSchedulesAsync("w1", 10, T0, Lease, None)).Count);

        // b's lease ran out and another worker took it.
        Assert.NotNull(await store.ClaimScheduleAsync("b", "w2", T0 + Lease, Lease, None));
        var results = await store.FireSchedulesAsync([Firing("a", "w1", T0, "fa"), Firing("b", "w1", T0, "fb"), Firing("c", "w1", T0, "fc")], None);

        Assert.Equal(["a", "b", "c"], results.Select(r => r.Name));
        Assert.Equal([true, false, true], results.Select(r => r.Fired));
        Assert.Equal(["fa"], results[0].Created.Select(f => f.Id));
        Assert.Empty(results[1].Created);
        Assert.Equal(["fc"], results[2].Created.Select(f => f.Id));
        Assert.NotNull(await store.GetFlowAsync("fa", None));
        Assert.Null(await store.GetFlowAsync("fb", None));
        Assert.NotNull(await store.GetFlowAsync("fc", None));
        Assert.Equal("fc", (await store.GetScheduleAsync("c", None))!.LastFlowId);
        Assert.Null((await store.GetScheduleAsync("b", None))!.LastFlowId);
        Assert.Equal("w2", (await store.GetScheduleAsync("b", None))!.LeaseOwner);
    }

    [Fact]
    public async Task Many_schedules_due_at_once_are_claimed_in_rounds_and_fired_together()
    {
        // The shape of a busy minute: every schedule due in the same second.
        var store = await NewStoreAsync();
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            await store.CreateScheduleAsync(MakeSchedule($"s{i:D3}", T0), None);
        }

        var claimed = new List<ClaimedSchedule>();
        for (var round = 0; round < 4; round++)
        {
            var batch = await store.ClaimDueSchedulesAsync("w1", 100, T0, Lease, None);
            Assert.True(batch.Count <= 100);
            claimed.AddRange(batch);
        }

        Assert.Equal(count, claimed.Select(c => c.Schedule.Name).Distinct().Count());
        var results = await store.FireSchedulesAsync([.. claimed.Select(c => Firing(c.Schedule.Name, "w1", T0, "f-" + c.Schedule.Name))], None);
        Assert.All(results, r => Assert.Single(r.Created));
        Assert.Equal(count, results.Count(r => r.Fired));
        Assert.Single((await store.ListFlowsAsync(new FlowQuery { Schedule = "s123" }, None)).Items);
        Assert.Equal(T0.AddMinutes(1), await store.GetNextScheduleDueAsync(None));
        Assert.Empty(await store.ClaimDueSchedulesAsync("w2", 100, T0.AddSeconds(59), Lease, None));
    }

    // Building blocks -------------------------------------------------------------------------

    protected static string KeyOf(string schedule, DateTimeOffset slot) => ScheduleRows.KeyOf(schedule, slot);

    /// <summary>A flow a schedule starts for a slot: keyed by the slot, due at once.</summary>
    protected static NewFlow MakeScheduleFlow(string schedule, DateTimeOffset slot, string id)
    {
        var flow = MakeFlow(id, key: KeyOf(schedule, slot), createdAt: T0, nextRunAt: slot);
        flow.Flow.Schedule = schedule;
        flow.Flow.Slot = slot;
        return flow;
    }

    /// <summary>A firing of one slot that moves the schedule a minute on.</summary>
    protected static ScheduleFiring Firing(string name, string owner, DateTimeOffset slot, string flowId) =>
        ScheduleRows.Firing(name, owner, MakeScheduleFlow(name, slot, flowId));

    /// <summary>Leases the schedule by name and fires one slot with one flow.</summary>
    protected static async Task FireOnceAsync(IFlowStore store, string name, DateTimeOffset slot, string flowId, DateTimeOffset? buffered = null, bool advances = true)
    {
        Assert.NotNull(await store.ClaimScheduleAsync(name, "w-once", slot, Lease, None));
        var firing = Firing(name, "w-once", slot, flowId) with { BufferedSlot = buffered, AdvancesNextFire = advances };
        var result = Assert.Single(await store.FireSchedulesAsync([firing], None));
        Assert.True(result.Fired);
        Assert.Equal([flowId], result.Created.Select(f => f.Id));
    }
}
