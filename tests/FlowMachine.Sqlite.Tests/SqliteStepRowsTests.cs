using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

/// <summary>Steps written several to a statement read back as written one by one: every row, every column, in order.</summary>
public sealed class SqliteStepRowsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(23)] // more than one statement's rows
    public async Task A_new_flows_steps_are_all_stored_with_their_columns(int count)
    {
        var store = await OpenAsync();
        await using var storeScope = store;
        var steps = Enumerable.Range(0, count).Select(i => Step(i, StepState.Pending)).ToList();
        steps[^1].Result = new JsonObject { ["last"] = true };
        steps[^1].Error = "ä€ error";
        steps[0].NotBefore = T0.AddMinutes(5);
        await store.CreateFlowAsync(new NewFlow(Flow(), steps, [new HistoryEvent("f", 1, T0, "flow.created", null, null)]), CancellationToken.None);

        var claimed = (await store.ClaimDueAsync("w", 1, T0, TimeSpan.FromMinutes(1), CancellationToken.None))[0];
        Assert.Equal(steps.Select(s => s.Key), claimed.Steps.Select(s => s.Key));
        Assert.Equal(Enumerable.Range(0, count), claimed.Steps.Select(s => s.Index));
        Assert.Equal("{\"last\":true}", claimed.Steps[^1].Result!.ToJsonString());
        Assert.Equal("ä€ error", claimed.Steps[^1].Error);
        Assert.Equal(T0.AddMinutes(5), claimed.Steps[0].NotBefore);
        Assert.All(claimed.Steps.Take(count - 1), s => Assert.Null(s.Error));
        Assert.All(claimed.Steps.Skip(1), s => Assert.Null(s.NotBefore));
    }

    [Fact]
    public async Task A_commit_updates_the_steps_it_names_and_adds_new_ones_in_one_go()
    {
        var store = await OpenAsync();
        await using var storeScope = store;
        await store.CreateFlowAsync(new NewFlow(Flow(), [Step(0, StepState.Running), Step(1, StepState.Pending)], [new HistoryEvent("f", 1, T0, "flow.created", null, null)]), CancellationToken.None);
        var claimed = (await store.ClaimDueAsync("w", 1, T0, TimeSpan.FromMinutes(1), CancellationToken.None))[0];

        var done = Step(0, StepState.Completed);
        done.Attempts = 2;
        done.FinishedAt = T0.AddSeconds(1);
        var next = Step(1, StepState.Running);
        next.StartedAt = T0.AddSeconds(1);
        var added = Step(2, StepState.Pending);
        await store.CommitAsync(
            new FlowTransition { LeaseOwner = "w", Flow = claimed.Flow.Clone(), Steps = [done, next, added] },
            CancellationToken.None);

        var again = (await store.ClaimFlowAsync("f", "w", T0, TimeSpan.FromMinutes(1), CancellationToken.None))!;
        Assert.Equal([StepState.Completed, StepState.Running, StepState.Pending], again.Steps.Select(s => s.State));
        Assert.Equal(2, again.Steps[0].Attempts);
        Assert.Equal(T0.AddSeconds(1), again.Steps[0].FinishedAt);
        Assert.Equal(T0.AddSeconds(1), again.Steps[1].StartedAt);
        Assert.Null(again.Steps[2].StartedAt);
    }

    private async Task<SqliteFlowStore> OpenAsync()
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf() });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static FlowRecord Flow() => new() { Id = "f", SpecJson = "{}", CreatedAt = T0, UpdatedAt = T0, NextRunAt = T0, Data = [] };

    private static StepRecord Step(int index, StepState state) =>
        new() { FlowId = "f", Index = index, Key = index == 0 ? "noop" : $"noop#{index + 1}", TaskType = "noop", State = state };
}
