using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// Sweeping while a worker claims and commits, and while commands arrive for finished flows.
public abstract partial class RetentionStoreContractTests
{
    [Fact]
    public async Task A_sweep_during_work_loses_nothing_that_should_stay()
    {
        const int Count = 60;
        var store = await NewStoreAsync();
        for (var i = 0; i < Count; i++)
        {
            await store.CreateFlowAsync(MakeFlow($"f{i:D2}", nextRunAt: T0, createdAt: T0.AddMilliseconds(i)), None);
        }

        using var done = new CancellationTokenSource();
        var revived = new System.Collections.Concurrent.ConcurrentBag<string>();
        var applied = new System.Collections.Concurrent.ConcurrentBag<string>();
        var work = Task.Run(async () =>
        {
            // Even flows complete, odd ones wait; a reset for a finished flow revives it when it still exists.
            while ((await store.ClaimDueAsync("w1", 4, T0, Lease, None)) is { Count: > 0 } claimed)
            {
                foreach (var c in claimed)
                {
                    if (c.Commands.Any(x => x.Kind == FlowCommand.Reset))
                    {
                        applied.Add(c.Flow.Id);
                    }

                    var row = c.Flow.Clone();
                    var n = int.Parse(row.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                    row.State = n % 2 == 0 ? FlowState.Completed : FlowState.Waiting;
                    row.NextRunAt = null;
                    var step = c.Steps[0].Clone();
                    step.State = StepState.Completed;
                    await store.CommitAsync(new FlowTransition
                    {
                        LeaseOwner = "w1",
                        Flow = row,
                        Release = true,
                        Steps = [step],
                        ConsumedCommands = [.. c.Commands.Select(x => x.Id)],
                        History = [new HistoryEvent(row.Id, c.LastSeq + 1, T0, "step", "s0", null)],
                    }, None);
                    var earlier = $"f{n - 6:D2}";
                    if (n % 6 == 0 && n >= 6 && !applied.Contains(earlier) && await store.EnqueueCommandAsync(earlier, FlowCommand.Reset, null, null, "ops", T0, None))
                    {
                        revived.Add(earlier);
                    }
                }
            }
        });
        var sweep = Task.Run(async () =>
        {
            var deleted = 0;
            while (!done.IsCancellationRequested)
            {
                deleted += (await store.DeleteFlowsAsync(All, 3, None)).Deleted;
                await Task.Yield();
            }

            return deleted;
        });

        await work;
        await done.CancelAsync();
        var swept = await sweep;
        swept += (await store.DeleteFlowsAsync(All, 1000, None)).Deleted;

        for (var i = 0; i < Count; i++)
        {
            var id = $"f{i:D2}";
            var flow = await store.GetFlowAsync(id, None);
            if (i % 2 == 1)
            {
                // Waiting flows stay whole.
                Assert.NotNull(flow);
                Assert.Equal(2, (await store.GetStepsAsync(id, None)).Count);
                Assert.NotEmpty(await store.GetHistoryAsync(id, 0, 10, None));
            }
            else
            {
                Assert.Null(flow);
            }
        }

        // A command accepted for a finished flow was never lost to the sweep: its worker saw it.
        Assert.All(revived, id => Assert.Contains(id, applied));
        Assert.Equal(Count / 2, swept);
    }
}
