using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// The schedule contract (<see cref="IScheduleStore"/>): schedules stored by name, leased like flows and
/// fired together with the flows they start. Firing is in ScheduleStoreContractTests.Firing.cs.
/// </summary>
public abstract partial class ScheduleStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    /// <summary>A time with milliseconds: stores keep schedule times to the millisecond, like flow times.</summary>
    private static readonly DateTimeOffset Tms = T0.AddMilliseconds(123);

    [Fact]
    public async Task Create_get_list_and_delete_by_name()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetScheduleAsync("a", None));
        Assert.Empty(await store.ListSchedulesAsync(None));

        var full = new ScheduleRecord
        {
            Name = "b",
            Owner = "alice",
            DefinitionJson = """{"target":"r","cron":"* * * * *"}""",
            Paused = true,
            Note = "paused for maintenance",
            NextFireAt = Tms.AddMinutes(1),
            LastSlot = Tms,
            LastFlowId = "f0",
            BufferedSlot = Tms.AddSeconds(30),
            LastError = "unknown routine",
            CreatedAt = Tms.AddHours(-1),
            UpdatedAt = Tms.AddSeconds(-1),
        };
        Assert.True(await store.CreateScheduleAsync(full, None));
        Assert.True(await store.CreateScheduleAsync(MakeSchedule("a", T0), None));

        var read = (await store.GetScheduleAsync("b", None))!;
        AssertSame(full, read);

        // A taken name: false, and nothing changes.
        Assert.False(await store.CreateScheduleAsync(MakeSchedule("b", T0.AddDays(1)), None));
        AssertSame(full, (await store.GetScheduleAsync("b", None))!);

        Assert.Equal(["a", "b"], (await store.ListSchedulesAsync(None)).Select(s => s.Name));
        AssertSame(full, (await store.ListSchedulesAsync(None))[1]);

        Assert.True(await store.DeleteScheduleAsync("a", None));
        Assert.False(await store.DeleteScheduleAsync("a", None));
        Assert.Null(await store.GetScheduleAsync("a", None));
        Assert.Equal(["b"], (await store.ListSchedulesAsync(None)).Select(s => s.Name));
    }

    [Fact]
    public async Task Records_handed_out_are_copies()
    {
        var store = await NewStoreAsync();
        var input = MakeSchedule("s", T0);
        await store.CreateScheduleAsync(input, None);
        input.DefinitionJson = "{}";
        input.Paused = true;
        var read = (await store.GetScheduleAsync("s", None))!;
        read.NextFireAt = null;
        (await store.ListSchedulesAsync(None))[0].Note = "changed";
        var claimed = (await store.ClaimScheduleAsync("s", "w1", T0, Lease, None))!;
        claimed.Schedule.LeaseOwner = "someone else";

        var again = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal(DefinitionOf("s"), again.DefinitionJson);
        Assert.False(again.Paused);
        Assert.Null(again.Note);
        Assert.Equal(T0, again.NextFireAt);
        Assert.Equal("w1", again.LeaseOwner);
    }

    [Fact]
    public async Task Update_replaces_the_definition_keeps_what_firing_wrote_and_drops_the_lease()
    {
        var store = await NewStoreAsync();
        Assert.False(await store.UpdateScheduleAsync(MakeSchedule("missing", T0), None));
        Assert.Null(await store.GetScheduleAsync("missing", None));

        await store.CreateScheduleAsync(MakeSchedule("s", T0), None);
        await FireOnceAsync(store, "s", T0, "f1");
        var fired = (await store.GetScheduleAsync("s", None))!;
        Assert.NotNull(await store.ClaimScheduleAsync("s", "w1", T0, Lease, None));

        var update = new ScheduleRecord
        {
            Name = "s",
            Owner = "bob",
            DefinitionJson = """{"target":"other","every":"PT5M"}""",
            Paused = true,
            Note = "stopped",
            NextFireAt = Tms.AddMinutes(5),
            LastSlot = T0.AddYears(1),
            LastFlowId = "not this",
            BufferedSlot = Tms,
            LastError = "oops",
            LeaseOwner = "w9",
            LeaseExpiresAt = T0.AddYears(1),
            CreatedAt = T0.AddYears(-1),
            UpdatedAt = Tms.AddSeconds(9),
        };
        Assert.True(await store.UpdateScheduleAsync(update, None));

        var read = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal("bob", read.Owner);
        Assert.Equal(update.DefinitionJson, read.DefinitionJson);
        Assert.True(read.Paused);
        Assert.Equal("stopped", read.Note);
        Assert.Equal(Tms.AddMinutes(5), read.NextFireAt);
        Assert.Equal(Tms, read.BufferedSlot);
        Assert.Equal("oops", read.LastError);
        Assert.Equal(Tms.AddSeconds(9), read.UpdatedAt);

        // Kept: what firing wrote and when the schedule was created. The lease is gone.
        Assert.Equal(fired.LastSlot, read.LastSlot);
        Assert.Equal("f1", read.LastFlowId);
        Assert.Equal(fired.CreatedAt, read.CreatedAt);
        Assert.Null(read.LeaseOwner);
        Assert.Null(read.LeaseExpiresAt);

        // A firing under the dropped lease writes nothing.
        var late = await store.FireSchedulesAsync([Firing("s", "w1", T0.AddMinutes(1), "f2")], None);
        Assert.False(Assert.Single(late).Fired);
        Assert.Empty(late[0].Created);
        Assert.Null(await store.GetFlowAsync("f2", None));
        var after = (await store.GetScheduleAsync("s", None))!;
        Assert.Equal(Tms.AddMinutes(5), after.NextFireAt);
        Assert.Equal("f1", after.LastFlowId);
        Assert.Equal(Tms, after.BufferedSlot);

        // Anyone may lease it again at once.
        Assert.NotNull(await store.ClaimScheduleAsync("s", "w2", T0, Lease, None));
    }

    [Fact]
    public async Task ClaimDue_takes_due_schedules_earliest_first_up_to_max_and_honours_live_leases()
    {
        var store = await NewStoreAsync();
        await store.CreateScheduleAsync(MakeSchedule("late", T0.AddSeconds(-1)), None);
        await store.CreateScheduleAsync(MakeSchedule("early", T0.AddSeconds(-3)), None);
        await store.CreateScheduleAsync(MakeSchedule("middle", T0.AddSeconds(-2)), None);
        await store.CreateScheduleAsync(MakeSchedule("now", T0), None);
        await store.CreateScheduleAsync(MakeSchedule("future", T0.AddSeconds(5)), None);
        var paused = MakeSchedule("paused", T0.AddSeconds(-10));
        paused.Paused = true;
        await store.CreateScheduleAsync(paused, None);
        await store.CreateScheduleAsync(MakeSchedule("ended", null), None);

        Assert.Empty(await store.ClaimDueSchedulesAsync("w1", 0, T0, Lease, None));
        var first = await store.ClaimDueSchedulesAsync("w1", 2, T0, Lease, None);
        Assert.Equal(["early", "middle"], first.Select(c => c.Schedule.Name));
        Assert.All(first, c =>
        {
            Assert.Equal("w1", c.Schedule.LeaseOwner);
            Assert.Equal(T0 + Lease, c.Schedule.LeaseExpiresAt);
            Assert.Null(c.LastFlowState);
        });
        Assert.Equal("w1", (await store.GetScheduleAsync("early", None))!.LeaseOwner);

        // A second worker gets what is left; nothing while the leases live.
        Assert.Equal(["late", "now"], (await store.ClaimDueSchedulesAsync("w2", 10, T0, Lease, None)).Select(c => c.Schedule.Name));
        Assert.Empty(await store.ClaimDueSchedulesAsync("w3", 10, T0.AddSeconds(4), Lease, None));
        Assert.Empty(await store.ClaimDueSchedulesAsync("w1", 10, T0.AddSeconds(4), Lease, None));

        // Once the leases run out (the expiry is the end), the schedules are due again, earliest first.
        var again = await store.ClaimDueSchedulesAsync("w3", 10, T0 + Lease, Lease, None);
        Assert.Equal(["early", "middle", "late", "now", "future"], again.Select(c => c.Schedule.Name));
        Assert.All(again, c => Assert.Equal("w3", c.Schedule.LeaseOwner));
    }

    [Fact]
    public async Task A_buffered_slot_is_claimable_once_the_last_flow_has_ended()
    {
        var store = await NewStoreAsync();
        var later = T0.AddHours(1);

        // The last flow is gone, or there is none: the buffered slot may fire. Paused: not.
        await store.CreateScheduleAsync(MakeSchedule("gone", later, lastFlowId: "missing", buffered: T0.AddMinutes(-1)), None);
        await store.CreateScheduleAsync(MakeSchedule("none", later, buffered: T0.AddMinutes(-1)), None);
        var paused = MakeSchedule("paused", later, buffered: T0.AddMinutes(-1));
        paused.Paused = true;
        await store.CreateScheduleAsync(paused, None);
        await store.CreateScheduleAsync(MakeSchedule("plain", later), None);

        // The last flow runs: not yet.
        await store.CreateScheduleAsync(MakeSchedule("busy", later), None);
        await FireOnceAsync(store, "busy", T0.AddMinutes(-2), "run1", buffered: T0.AddMinutes(-1), advances: false);
        var byName = await store.ClaimScheduleAsync("busy", "w0", T0, Lease, None);
        Assert.Equal(FlowState.Pending, byName!.LastFlowState);
        Assert.Single(await store.FireSchedulesAsync([new ScheduleFiring { Name = "busy", LeaseOwner = "w0", AdvancesNextFire = false, BufferedSlot = T0.AddMinutes(-1), Now = T0 }], None));

        var claimed = await store.ClaimDueSchedulesAsync("w1", 10, T0, Lease, None);
        Assert.Equal(["gone", "none"], claimed.Select(c => c.Schedule.Name).Order(StringComparer.Ordinal));
        Assert.All(claimed, c => Assert.Null(c.LastFlowState));
        Assert.Equal(T0.AddMinutes(-1), claimed[0].Schedule.BufferedSlot);

        // The flow ends: now the slot may fire, and the claim tells how the last flow ended.
        var run = await ClaimOneAsync(store, "run1", now: T0);
        var done = run.Flow.ShallowCopy();
        done.State = FlowState.Completed;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = done, Release = true }, None);
        var busy = Assert.Single(await store.ClaimDueSchedulesAsync("w2", 10, T0, Lease, None));
        Assert.Equal("busy", busy.Schedule.Name);
        Assert.Equal(FlowState.Completed, busy.LastFlowState);
    }

    [Fact]
    public async Task ClaimSchedule_leases_one_by_name_due_or_not_paused_or_not()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.ClaimScheduleAsync("missing", "w1", T0, Lease, None));
        var paused = MakeSchedule("s", T0.AddDays(1));
        paused.Paused = true;
        await store.CreateScheduleAsync(paused, None);

        var claimed = await store.ClaimScheduleAsync("s", "w1", T0, Lease, None);
        Assert.Equal("w1", claimed!.Schedule.LeaseOwner);
        Assert.Equal(T0 + Lease, claimed.Schedule.LeaseExpiresAt);
        Assert.True(claimed.Schedule.Paused);
        Assert.Null(claimed.LastFlowState);

        // Its holder may take it again (a longer lease); another owner not while the lease lives.
        Assert.Equal(T0.AddSeconds(1) + Lease, (await store.ClaimScheduleAsync("s", "w1", T0.AddSeconds(1), Lease, None))!.Schedule.LeaseExpiresAt);
        Assert.Null(await store.ClaimScheduleAsync("s", "w2", T0.AddSeconds(2), Lease, None));
        Assert.Equal("w1", (await store.GetScheduleAsync("s", None))!.LeaseOwner);
        Assert.Equal("w2", (await store.ClaimScheduleAsync("s", "w2", T0.AddSeconds(1) + Lease, Lease, None))!.Schedule.LeaseOwner);
    }

    [Fact]
    public async Task GetNextScheduleDue_is_the_earliest_next_fire_of_a_schedule_not_paused()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetNextScheduleDueAsync(None));
        await store.CreateScheduleAsync(MakeSchedule("ended", null), None);
        var paused = MakeSchedule("paused", T0.AddSeconds(-10));
        paused.Paused = true;
        await store.CreateScheduleAsync(paused, None);
        Assert.Null(await store.GetNextScheduleDueAsync(None));

        await store.CreateScheduleAsync(MakeSchedule("later", Tms.AddSeconds(5)), None);
        await store.CreateScheduleAsync(MakeSchedule("first", T0.AddSeconds(-3)), None);
        Assert.Equal(T0.AddSeconds(-3), await store.GetNextScheduleDueAsync(None));

        // A leased schedule is due again when its lease ends, if that is later.
        await store.ClaimScheduleAsync("first", "w1", T0, Lease, None);
        Assert.Equal(Tms.AddSeconds(5), await store.GetNextScheduleDueAsync(None));
        await store.ClaimScheduleAsync("later", "w1", T0, TimeSpan.FromSeconds(1), None);
        Assert.Equal(Tms.AddSeconds(5), await store.GetNextScheduleDueAsync(None));
        await store.ClaimScheduleAsync("later", "w1", T0, TimeSpan.FromSeconds(10), None);
        Assert.Equal(T0.AddSeconds(10), await store.GetNextScheduleDueAsync(None));
    }

    // Building blocks -------------------------------------------------------------------------

    protected static ScheduleRecord MakeSchedule(string name, DateTimeOffset? nextFireAt, string? lastFlowId = null, DateTimeOffset? buffered = null)
    {
        var schedule = ScheduleRows.Schedule(name, nextFireAt, T0);
        schedule.LastFlowId = lastFlowId;
        schedule.BufferedSlot = buffered;
        return schedule;
    }

    private static string DefinitionOf(string name) => ScheduleRows.Schedule(name, null, T0).DefinitionJson;

    private static void AssertSame(ScheduleRecord expected, ScheduleRecord actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.DefinitionJson, actual.DefinitionJson);
        Assert.Equal(expected.Paused, actual.Paused);
        Assert.Equal(expected.Note, actual.Note);
        Assert.Equal(expected.NextFireAt, actual.NextFireAt);
        Assert.Equal(expected.LastSlot, actual.LastSlot);
        Assert.Equal(expected.LastFlowId, actual.LastFlowId);
        Assert.Equal(expected.BufferedSlot, actual.BufferedSlot);
        Assert.Equal(expected.LastError, actual.LastError);
        Assert.Equal(expected.LeaseOwner, actual.LeaseOwner);
        Assert.Equal(expected.LeaseExpiresAt, actual.LeaseExpiresAt);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
    }
}
