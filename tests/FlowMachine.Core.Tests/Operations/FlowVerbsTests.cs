using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Tests.Specs;

namespace FlowMachine.Tests.Operations;

public sealed class FlowVerbsTests : IAsyncLifetime
{
    private static readonly Caller Alice = new("alice", IsAdmin: false);
    private static readonly Caller Bob = new("bob", IsAdmin: false);
    private static readonly Caller Admin = new("admin", IsAdmin: true);

    private readonly InMemoryFlowStore store = new();
    private FlowEngine engine = null!;
    private FlowVerbs verbs = null!;
    private string flowId = null!;

    public async Task InitializeAsync()
    {
        engine = new FlowEngine(store, TestCatalog.Create());
        verbs = new FlowVerbs(new FlowClient(engine), store);
        var started = await engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [test.One, test.Two]", Owner = "alice" });
        flowId = started.Flow.Id;
    }

    public async Task DisposeAsync() => await engine.DisposeAsync();

    [Fact]
    public async Task Owners_and_admins_see_a_flow_and_nobody_else_does()
    {
        Assert.NotNull(await verbs.FindAsync(flowId, Alice, default));
        Assert.NotNull(await verbs.ViewAsync(flowId, Admin, default));
        Assert.Null(await verbs.FindAsync(flowId, Bob, default));
        Assert.Null(await verbs.ViewAsync(flowId, Bob, default));
        Assert.Null(await verbs.FindAsync("no-such-flow", Admin, default));
    }

    [Fact]
    public async Task A_flow_the_caller_may_not_see_does_not_exist_for_them_and_is_left_alone()
    {
        var result = await verbs.SendAsync(Bob, new FlowVerb.Cancel(flowId, "mine now"), default);

        Assert.Equal(FlowVerbOutcome.NotFound, result.Outcome);
        Assert.Equal(FlowState.Pending, (await store.GetFlowAsync(flowId, default))!.State);
    }

    [Fact]
    public async Task The_owner_may_cancel_and_the_command_is_queued()
    {
        var result = await verbs.SendAsync(Alice, new FlowVerb.Cancel(flowId, "done with it"), default);

        Assert.Equal(FlowVerbOutcome.Accepted, result.Outcome);
        Assert.Equal(CommandStatus.Accepted, result.Command?.Status);
    }

    [Fact]
    public async Task Only_admins_may_move_the_position_even_of_their_own_flow()
    {
        Assert.False(FlowVerbs.Allows(Alice, new FlowVerb.Position(flowId, 1)));
        Assert.True(FlowVerbs.Allows(Alice, new FlowVerb.Reset(flowId)));
        Assert.Equal(FlowVerbOutcome.Forbidden, (await verbs.SendAsync(Alice, new FlowVerb.Position(flowId, 1), default)).Outcome);
        Assert.Equal(FlowVerbOutcome.Accepted, (await verbs.SendAsync(Admin, new FlowVerb.Position(flowId, 1), default)).Outcome);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public async Task A_position_outside_the_flows_steps_is_invalid_and_names_the_step_count(int position)
    {
        var result = await verbs.SendAsync(Admin, new FlowVerb.Position(flowId, position), default);

        Assert.Equal((FlowVerbOutcome.Invalid, "position", 2), (result.Outcome, result.Field, result.StepCount));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData(201)]
    public async Task An_event_name_out_of_limits_is_invalid_before_the_flow_is_looked_up(object? name)
    {
        var eventName = name is int length ? new string('e', length) : (string?)name;

        var result = await verbs.SendAsync(Bob, new FlowVerb.Event(flowId, eventName, null), default);

        Assert.Equal((FlowVerbOutcome.Invalid, "name"), (result.Outcome, result.Field));
    }

    [Fact]
    public async Task An_event_name_of_200_characters_is_raised()
    {
        var result = await verbs.SendAsync(Alice, new FlowVerb.Event(flowId, new string('e', InputLimits.MaxEventNameLength), null), default);

        Assert.Equal(FlowVerbOutcome.Accepted, result.Outcome);
    }

    [Fact]
    public async Task A_keyed_start_returns_the_flow_to_its_owner_only_and_the_caller_owns_what_they_start()
    {
        var request = new StartFlowRequest { SpecText = "tasks: [test.One]", Key = "k-1", Owner = "someone else" };
        var first = await verbs.StartAsync(Alice, request, default);
        Assert.True(first.Started.Created);
        Assert.False(first.KeyHeldByOther);
        Assert.Equal("alice", first.Started.Flow.Owner);

        var again = await verbs.StartAsync(Alice, request, default);
        Assert.Equal((false, false, first.Started.Flow.Id), (again.Started.Created, again.KeyHeldByOther, again.Started.Flow.Id));

        Assert.True((await verbs.StartAsync(Bob, request, default)).KeyHeldByOther);
        Assert.True((await verbs.StartAsync(Admin, request, default)).KeyHeldByOther);
    }
}
