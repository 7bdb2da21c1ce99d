using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// What the store conformance suite shares: the stores of a test and the building blocks of its flows.
/// The suite is split by the store's contracts (<see cref="RuntimeStoreContractTests"/>,
/// <see cref="QueryStoreContractTests"/>, <see cref="RoutineStoreContractTests"/>,
/// <see cref="ResumeTokenStoreContractTests"/>, <see cref="ScheduleStoreContractTests"/>); a provider's test project subclasses each once with its
/// <see cref="ContractStores"/>, which supply a fresh, empty store per call.
/// </summary>
public abstract class FlowStoreContractTests(ContractStores source) : IAsyncLifetime
{
    /// <summary>A whole-millisecond instant: providers may store milliseconds only.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly List<IFlowStore> stores = [];

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await source.CleanupAsync();
    }

    /// <summary>A created and initialized store, disposed after the test.</summary>
    protected async ValueTask<IFlowStore> NewStoreAsync()
    {
        var store = await source.CreateStoreAsync();
        stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    // Building blocks -------------------------------------------------------------------------

    protected static NewFlow MakeFlow(
        string id,
        string? key = null,
        DateTimeOffset? createdAt = null,
        DateTimeOffset? nextRunAt = null,
        FlowState state = FlowState.Pending,
        string? owner = null,
        string? routine = null,
        string? parent = null,
        int steps = 2)
    {
        var at = createdAt ?? T0;
        var flow = new FlowRecord
        {
            Id = id,
            Key = key,
            Label = "label " + id,
            Owner = owner,
            Routine = routine,
            RoutineVersion = routine is null ? null : 1,
            SpecJson = """{"tasks":["a","b"]}""",
            State = state,
            Input = new JsonObject { ["n"] = 1 },
            Data = new JsonObject { ["greeting"] = "hello" },
            ParentFlowId = parent,
            ParentStepKey = parent is null ? null : "spawn",
            CreatedAt = at,
            UpdatedAt = at,
            NextRunAt = nextRunAt,
        };
        var stepList = Enumerable.Range(0, steps)
            .Select(i => new StepRecord { FlowId = id, Index = i, Key = "s" + i, TaskType = "noop" })
            .Reverse() // Stores must order by Index, whatever order they were given in.
            .ToList();
        return new NewFlow(flow, stepList, [new HistoryEvent(id, 1, at, "created", null, new JsonObject { ["by"] = "test" })]);
    }

    protected static async Task<ClaimedFlow> ClaimOneAsync(IFlowStore store, string id, string owner = "w1", DateTimeOffset? now = null)
    {
        var claimed = await store.ClaimFlowAsync(id, owner, now ?? T0, Lease, CancellationToken.None);
        Assert.NotNull(claimed);
        return claimed;
    }

    /// <summary>The ids of every page of <paramref name="query"/>, following the cursor; each page holds at most <paramref name="pageSize"/>.</summary>
    protected static async Task<List<string>> ListAllAsync(IFlowStore store, FlowQuery query, int pageSize)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await store.ListFlowsAsync(query with { After = cursor, Limit = pageSize }, None);
            Assert.True(page.Items.Count <= pageSize);
            ids.AddRange(page.Items.Select(f => f.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        return ids;
    }

    protected static CancellationToken None => CancellationToken.None;
}
