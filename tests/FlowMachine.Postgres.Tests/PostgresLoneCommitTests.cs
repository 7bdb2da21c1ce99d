using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// A lone commit (nothing queued, no write in flight) is written by its caller rather than by the group commit's
/// loop: each is still its own transaction with its own answer, a failed one frees the writer for the next, it is
/// written apart from the caller's trace, and closing the store waits for it.
/// </summary>
public sealed class PostgresLoneCommitTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [PostgresFact]
    public async Task Commits_one_after_another_are_each_their_own_transaction_and_a_lost_lease_frees_the_writer()
    {
        await using var store = await OpenAsync();
        var row = await ClaimedAsync(store, "f1");
        for (var i = 1; i <= 5; i++)
        {
            var result = await store.CommitAsync(Commit("w", row, T0.AddSeconds(i)), CancellationToken.None);
            Assert.False(result.HasCommands);
        }

        Assert.Equal(5, store.CommitTransactions);
        Assert.Equal(5, store.CommitRequests);
        Assert.Equal(0, store.CommitBatchesTogether);

        // Another owner's commit fails alone; the writer is free again for the holder's next commit, which sees the command.
        await Assert.ThrowsAsync<LeaseLostException>(async () => await store.CommitAsync(Commit("x", row, T0.AddSeconds(6)), CancellationToken.None));
        Assert.True(await store.EnqueueCommandAsync("f1", FlowCommand.Cancel, null, null, null, T0.AddSeconds(7), CancellationToken.None));
        var next = await store.CommitAsync(Commit("w", row, T0.AddSeconds(8)), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(next.HasCommands);
        Assert.Equal(T0.AddSeconds(8), (await store.GetFlowAsync("f1", CancellationToken.None))!.UpdatedAt);
    }

    [PostgresFact]
    public async Task A_lone_commit_is_written_apart_from_the_callers_trace()
    {
        await using var store = await OpenAsync();
        var row = await ClaimedAsync(store, "f1");
        var npgsql = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or nameof(PostgresLoneCommitTests),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Source.Name == "Npgsql")
                {
                    npgsql.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource(nameof(PostgresLoneCommitTests));

        using (var step = source.StartActivity("step"))
        {
            Assert.NotNull(step);
            await store.CommitAsync(Commit("w", row, T0.AddSeconds(1)), CancellationToken.None);
            Assert.Same(step, Activity.Current); // the caller's context is as it was
        }

        // The commit's statements were traced, none of them inside the caller's span.
        Assert.NotEmpty(npgsql);
        Assert.All(npgsql, a => Assert.Equal(default, a.ParentSpanId));
    }

    [PostgresFact]
    public async Task Closing_the_store_waits_for_a_lone_commit_in_flight_and_refuses_later_ones()
    {
        var store = await OpenAsync();
        var row = await ClaimedAsync(store, "f1");
        var inFlight = store.CommitAsync(Commit("w", row, T0.AddSeconds(1)), CancellationToken.None).AsTask();
        await store.DisposeAsync();

        Assert.True(inFlight.IsCompletedSuccessfully, $"the commit in flight did not finish before the store closed: {inFlight.Status}");
        Assert.Equal(1, store.CommitRequests);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.CommitAsync(Commit("w", row, T0.AddSeconds(2)), CancellationToken.None));

        await using var reopened = await OpenAsync(store.Channel[..^"_work".Length]);
        Assert.Equal(T0.AddSeconds(1), (await reopened.GetFlowAsync("f1", CancellationToken.None))!.UpdatedAt);
    }

    private async Task<PostgresFlowStore> OpenAsync(string? schema = null)
    {
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema ?? db.NewSchema() });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static async Task<FlowRecord> ClaimedAsync(PostgresFlowStore store, string id)
    {
        var flow = new FlowRecord
        {
            Id = id, SpecJson = """{"tasks":["a"]}""", State = FlowState.Pending, Input = new JsonObject(), Data = new JsonObject(),
            CreatedAt = T0, UpdatedAt = T0, NextRunAt = T0,
        };
        await store.CreateFlowAsync(new NewFlow(flow, [new StepRecord { FlowId = id, Index = 0, Key = "a", TaskType = "noop" }], []), CancellationToken.None);
        return (await store.ClaimFlowAsync(id, "w", T0, Hour, CancellationToken.None))!.Flow;
    }

    private static FlowTransition Commit(string owner, FlowRecord claimed, DateTimeOffset at)
    {
        var row = claimed.Clone();
        row.UpdatedAt = at;
        return new FlowTransition { LeaseOwner = owner, Flow = row };
    }
}
