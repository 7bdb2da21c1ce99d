using System.Diagnostics;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.TestHost;

namespace FlowMachine.Hosting.Tests;

/// <summary>A step that SIGKILLs its own worker process: it fails after MaxRecoveries lost workers, and a retry after the fix completes it.</summary>
public sealed class CrashLoopTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_step_that_kills_its_worker_fails_after_the_sixth_lost_worker_and_a_retry_after_the_fix_completes_the_flow()
    {
        var db = temp.File("flows.db");
        var record = temp.File("executions.log");
        var fix = temp.File("fixed");
        File.WriteAllText(record, "");
        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = db });
        await store.InitializeAsync(default);
        await using var engine = new FlowEngine(store, new TaskRegistry().AddBuiltIns().Register<RecordTask>().Register<KillMyWorkerTask>());
        var spec = $$"""
            tasks:
              - { key: before, task_type: record.Step, task_params: { ms: 1 } }
              - { key: crashy, task_type: test.KillMyWorker, task_params: { fixed: "{{fix}}" } }
              - { key: after, task_type: record.Step, task_params: { ms: 1 } }
            """;
        var id = (await engine.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id;

        // Worker after worker takes the flow over and dies in the step, until one finds it lost too often.
        var killed = 0;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await store.GetFlowAsync(id, default))!.State != FlowState.Failed)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the flow did not fail within 3 minutes ({killed} workers died)");
            using var worker = RecordingWorkers.Start(db, record, concurrency: 2, leaseSeconds: 1);
            try
            {
                while (!worker.HasExited && (await store.GetFlowAsync(id, default))!.State != FlowState.Failed)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"the flow did not fail within 3 minutes ({killed} workers died)");
                    await Task.Delay(50);
                }

                if (worker.HasExited)
                {
                    killed++;
                }
            }
            finally
            {
                Stop(worker);
            }
        }

        var failed = await engine.GetAsync(id);
        var crashy = failed!.Steps.Single(s => s.Key == "crashy");
        Assert.Equal(6, killed);
        Assert.Equal(StepState.Failed, crashy.State);
        Assert.Equal("the worker running this step was lost 6 times", crashy.Error);
        Assert.Equal(6, crashy.Recoveries);
        Assert.Contains("the worker running this step was lost 6 times", failed.Flow.Error, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3, 4, 5, 6], RecordingWorkers.Read(record)[(id, "crashy")]);

        // The fix is deployed; the operator retries the flow and a worker runs it to the end.
        File.WriteAllText(fix, "");
        Assert.Equal(CommandStatus.Accepted, (await engine.RetryAsync(id, "ops")).Status);
        using (var last = RecordingWorkers.Start(db, record, concurrency: 2, leaseSeconds: 1))
        {
            try
            {
                while ((await store.GetFlowAsync(id, default))!.State != FlowState.Completed)
                {
                    Assert.True(DateTime.UtcNow < deadline.AddMinutes(1), "the retried flow did not complete");
                    Assert.False(last.HasExited, "the worker died after the fix");
                    await Task.Delay(50);
                }
            }
            finally
            {
                Stop(last);
            }
        }

        var done = (await store.GetStepsAsync(id, default)).ToDictionary(s => s.Key);
        Assert.Equal((StepState.Completed, 7, 0), (done["crashy"].State, done["crashy"].Attempts, done["crashy"].Recoveries));
        var runs = RecordingWorkers.Read(record);
        Assert.Equal([1], runs[(id, "before")]);
        Assert.Equal([1], runs[(id, "after")]);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], runs[(id, "crashy")]);
    }

    private static void Stop(Process worker)
    {
        if (!worker.HasExited)
        {
            worker.Kill(entireProcessTree: true);
        }

        worker.WaitForExit();
    }
}
