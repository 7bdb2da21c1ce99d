using System.Text.Json.Nodes;
using FlowMachine.Operations;

namespace FlowMachine.Testing.Tests.Schedules;

/// <summary>Bad schedules are refused naming the field, and nothing is stored.</summary>
public sealed class ScheduleInputTests
{
    private static readonly Caller Ann = new("ann", IsAdmin: false);

    [Theory]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "cron": "0 25 * * *" }""", "cron", "hour field")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "cron": "61 * * * *" }""", "cron", "minute field")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "cron": "* * * *" }""", "cron", "5 fields")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "cron": "0 2 * * *", "timeZone": "Mars/Olympus" }""", "timeZone", "unknown time zone")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "every": "500ms" }""", "every", "at least 1s")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "every": "soon" }""", "every", "not a duration")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "every": "1m", "cron": "* * * * *" }""", "every", "not both")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]" }""", "cron", "not neither")]
    [InlineData("""{ "name": "x", "routine": "nope", "every": "1m" }""", "routine", "does not exist")]
    [InlineData("""{ "name": "x", "every": "1m" }""", "routine", "either a routine or an inline spec")]
    [InlineData("""{ "name": "x y", "spec": "tasks: [noop]", "every": "1m" }""", "name", "letters, digits")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "every": "1m", "overlap": "queue" }""", "overlap", "skip, buffer, allow, cancel")]
    [InlineData("""{ "name": "x", "spec": "tasks: [nosuchtask]", "every": "1m" }""", "spec", "nosuchtask")]
    [InlineData("""{ "name": "x", "spec": "tasks: [noop]", "every": "1m", "evry": "1m" }""", "evry", "unknown field")]
    public async Task A_bad_schedule_is_refused_naming_the_field_and_nothing_is_stored(string body, string field, string says)
    {
        await using var host = new FlowTestHost();

        var result = await host.Schedules.CreateAsync(JsonNode.Parse(body)!.AsObject(), Ann);

        Assert.Equal(ScheduleOutcome.Invalid, result.Outcome);
        var error = Assert.Single(result.Errors, e => e.Path == field || e.Path.StartsWith(field + ".", StringComparison.Ordinal));
        Assert.Contains(says, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await host.Schedules.ListAsync());
    }

    [Fact]
    public async Task A_duplicate_name_is_a_conflict_and_the_first_schedule_is_unchanged()
    {
        await using var host = new FlowTestHost();
        var body = """{ "name": "nightly", "spec": "tasks: [noop]", "cron": "0 2 * * *" }""";
        Assert.Equal(ScheduleOutcome.Created, (await host.Schedules.CreateAsync(JsonNode.Parse(body)!.AsObject(), Ann)).Outcome);

        var again = await host.Schedules.CreateAsync(JsonNode.Parse("""{ "name": "nightly", "spec": "tasks: [noop]", "every": "1m" }""")!.AsObject(), Ann);

        Assert.Equal(ScheduleOutcome.Conflict, again.Outcome);
        Assert.Equal("name", Assert.Single(again.Errors).Path);
        var stored = Assert.Single(await host.Schedules.ListAsync());
        Assert.Equal("0 2 * * *", stored.Cron);
        Assert.Equal("every day at 02:00", stored.Description);
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_changes_a_schedule()
    {
        await using var host = new FlowTestHost();
        await host.Schedules.CreateAsync(JsonNode.Parse("""{ "name": "mine", "spec": "tasks: [noop]", "every": "1h" }""")!.AsObject(), Ann);

        var bob = new Caller("bob", IsAdmin: false);
        Assert.Equal(ScheduleOutcome.Forbidden, (await host.Schedules.PauseAsync("mine", null, bob)).Outcome);
        Assert.Equal(ScheduleOutcome.Forbidden, (await host.Schedules.DeleteAsync("mine", bob)).Outcome);
        Assert.Equal(ScheduleOutcome.Forbidden, (await host.Schedules.TriggerAsync("mine", bob)).Outcome);
        Assert.Equal(ScheduleOutcome.Ok, (await host.Schedules.PauseAsync("mine", null, Ann)).Outcome);
        Assert.Equal(ScheduleOutcome.Ok, (await host.Schedules.DeleteAsync("mine", new Caller("root", IsAdmin: true))).Outcome);
        Assert.Equal(ScheduleOutcome.NotFound, (await host.Schedules.DeleteAsync("mine", Ann)).Outcome);
    }

    [Fact]
    public async Task Replacing_a_definition_keeps_the_history_and_moves_the_next_fire_time()
    {
        await using var host = new FlowTestHost();
        await host.Schedules.CreateAsync(JsonNode.Parse("""{ "name": "r", "spec": "tasks: [noop]", "every": "1h" }""")!.AsObject(), Ann);
        await host.AdvanceAsync(TimeSpan.FromHours(1));

        var replaced = await host.Schedules.ReplaceAsync("r", JsonNode.Parse("""{ "spec": "tasks: [noop]", "every": "15m", "catchup": { "window": "1h", "max": 3 } }""")!.AsObject(), Ann);

        Assert.Equal(ScheduleOutcome.Ok, replaced.Outcome);
        Assert.Equal("15m", replaced.Schedule!.Every);
        Assert.Equal(ManualClock.DefaultStart.AddHours(1), replaced.Schedule.LastSlot);
        Assert.Equal(ManualClock.DefaultStart.AddMinutes(75), replaced.Schedule.NextFireTimes[0]);
        Assert.Equal("3", replaced.Schedule.Catchup!["max"]!.ToJsonString());
    }
}
