using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace FlowMachine.Sqlite.Tests;

/// <summary>What only the SQLite store has: durability, group commit, failing requests in a batch, migrations, errors.</summary>
public sealed class SqliteStoreTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    private async Task<SqliteFlowStore> OpenAsync(string? path = null, int maxBatch = 256)
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path ?? temp.PathOf(), MaxBatch = maxBatch });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static NewFlow Flow(string id, string? key = null, DateTimeOffset? nextRunAt = null) => new(
        new FlowRecord { Id = id, Key = key, SpecJson = "{}", CreatedAt = T0, UpdatedAt = T0, NextRunAt = nextRunAt, Data = new JsonObject { ["n"] = 0 } },
        [new StepRecord { FlowId = id, Index = 0, Key = "s0", TaskType = "noop" }],
        [new HistoryEvent(id, 1, T0, "created", null, null)]);

    private static FlowTransition Step(ClaimedFlow claimed, string owner, int n, bool release = false)
    {
        var row = claimed.Flow.Clone();
        row.State = FlowState.Running;
        row.Position = n;
        row.UpdatedAt = T0.AddMilliseconds(n);
        var step = claimed.Steps[0].Clone();
        step.Attempts = n;
        return new FlowTransition
        {
            LeaseOwner = owner,
            Flow = row,
            Release = release,
            Steps = [step],
            History = [new HistoryEvent(row.Id, claimed.LastSeq + n, row.UpdatedAt, "step", "s0", JsonValue.Create(n))],
        };
    }

    [Fact]
    public async Task Data_survives_reopening_the_file()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateFlowAsync(Flow("f1", key: "k1", nextRunAt: T0), CancellationToken.None);
            await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", "alice", T0, CancellationToken.None);
            await store.EnqueueCommandAsync("f1", FlowCommand.Push, "s0", JsonValue.Create("v"), "bob", T0, CancellationToken.None);
            var claimed = (await store.ClaimFlowAsync("f1", "w1", T0, Lease, CancellationToken.None))!;
            await store.CommitAsync(Step(claimed, "w1", 1, release: true), CancellationToken.None);
        }

        await using (var again = await OpenAsync())
        {
            var flow = (await again.GetFlowByKeyAsync("k1", CancellationToken.None))!;
            Assert.Equal(FlowState.Running, flow.State);
            Assert.Equal(1, flow.Position);
            Assert.Null(flow.LeaseOwner);
            Assert.Equal(1, (await again.GetStepsAsync("f1", CancellationToken.None))[0].Attempts);
            Assert.Equal(2, (await again.GetHistoryAsync("f1", 0, 10, CancellationToken.None)).Count);
            Assert.Equal("bob", Assert.Single(await again.GetCommandsAsync("f1", CancellationToken.None)).Actor);
            Assert.Equal(1, (await again.GetRoutineAsync("r", null, CancellationToken.None))!.Version);
        }
    }

    [Fact]
    public async Task Group_commit_puts_many_requests_in_few_transactions()
    {
        await using var store = await OpenAsync();
        const int flows = 500;
        await Task.WhenAll(Enumerable.Range(0, flows).Select(i => store.CreateFlowAsync(Flow($"f{i:D3}", nextRunAt: T0), CancellationToken.None).AsTask()));
        var claimed = await store.ClaimDueAsync("w1", flows, T0, Lease, CancellationToken.None);
        Assert.Equal(flows, claimed.Count);

        var transactionsBefore = store.WriteTransactions;
        var requestsBefore = store.WriteRequests;

        // An idle writer commits a request at once on the caller's thread; requests that arrive while a
        // transaction is being written queue up and go in together. Hold the writer so all 500 arrive busy.
        var (blocker, release) = HoldWriter(store);
        var clock = Stopwatch.StartNew();
        var commits = claimed.Select(c => store.CommitAsync(Step(c, "w1", 1), CancellationToken.None).AsTask()).ToList();
        release.Set();
        Assert.True(await blocker);
        await Task.WhenAll(commits);
        clock.Stop();
        var transactions = store.WriteTransactions - transactionsBefore - 1; // not the blocker's own
        var requests = store.WriteRequests - requestsBefore - 1;

        output.WriteLine($"{requests} concurrent commits in {transactions} transactions, {clock.Elapsed.TotalMilliseconds:F0} ms ({requests / clock.Elapsed.TotalSeconds:F0} commits/s)");
        Assert.Equal(flows, requests);
        Assert.True(transactions <= flows / 10, $"{transactions} transactions for {requests} requests: the writer does not batch.");
        Assert.All(await Task.WhenAll(claimed.Select(c => store.GetFlowAsync(c.Flow.Id, CancellationToken.None).AsTask())), f => Assert.Equal(FlowState.Running, f!.State));
    }

    [Fact]
    public async Task Under_load_callers_queue_for_the_writer_thread_and_alone_they_commit_on_their_own()
    {
        await using var store = await OpenAsync();
        var writer = store.WriterForTests;

        // The thread a write ran on, and whether that was the caller's own.
        async Task<bool> OnCallersThreadAsync()
        {
            var caller = Environment.CurrentManagedThreadId;
            return await writer.WriteAsync(_ => Environment.CurrentManagedThreadId == caller, CancellationToken.None);
        }

        Assert.True(await Task.Run(OnCallersThreadAsync)); // idle, and nobody else writing: at once, here

        // Several requests in one transaction: the writer is under load, so the next caller queues for its thread.
        var (blocker, release) = HoldWriter(store);
        var queued = Enumerable.Range(0, 3).Select(_ => writer.WriteAsync(_ => 0, CancellationToken.None)).ToList();
        release.Set();
        Assert.True(await blocker);
        await Task.WhenAll(queued);
        Assert.False(await Task.Run(OnCallersThreadAsync));

        // That one went alone: the load is gone, and callers commit on their own threads again.
        Assert.True(await Task.Run(OnCallersThreadAsync));
    }

    [Fact]
    public async Task Sequential_commits_are_committed_at_once()
    {
        await using var store = await OpenAsync();
        await store.CreateFlowAsync(Flow("f1", nextRunAt: T0), CancellationToken.None);
        var claimed = (await store.ClaimFlowAsync("f1", "w1", T0, Lease, CancellationToken.None))!;

        // One caller, one commit at a time: each is its own transaction, with no timer delay.
        const int commits = 300;
        var clock = Stopwatch.StartNew();
        for (var n = 1; n <= commits; n++)
        {
            await store.CommitAsync(Step(claimed, "w1", n), CancellationToken.None);
        }

        clock.Stop();
        output.WriteLine($"{commits} sequential commits in {clock.Elapsed.TotalMilliseconds:F0} ms ({commits / clock.Elapsed.TotalSeconds:F0} commits/s)");
        Assert.Equal(commits + 1, (await store.GetHistoryAsync("f1", 0, 1000, CancellationToken.None)).Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_failing_request_in_a_batch_does_not_roll_back_its_neighbours()
    {
        await using var store = await OpenAsync();
        for (var i = 0; i < 4; i++)
        {
            await store.CreateFlowAsync(Flow($"f{i}", nextRunAt: T0), CancellationToken.None);
        }

        var claimed = await store.ClaimDueAsync("w1", 10, T0, Lease, CancellationToken.None);
        var transactionsBefore = store.WriteTransactions;

        // Hold the writer so that everything below queues up and lands in one batch.
        var (blocker, gate) = HoldWriter(store);

        // Runs before each failing request, so it is rolled back and run again each time: it still learns it created its flow.
        var early = store.CreateFlowAsync(Flow("early"), CancellationToken.None).AsTask();
        var good0 = store.CommitAsync(Step(claimed[0], "w1", 1), CancellationToken.None).AsTask();
        var leaseLost = store.CommitAsync(Step(claimed[1], "intruder", 1), CancellationToken.None).AsTask();
        var duplicate = store.CreateFlowAsync(Flow("f0"), CancellationToken.None).AsTask();

        // Fails halfway: the flow row is written before the history insert hits the taken seq 1.
        var halfway = Step(claimed[2], "w1", 1) with { History = [new HistoryEvent("f2", 1, T0, "again", null, null)] };
        var broken = store.CommitAsync(halfway, CancellationToken.None).AsTask();
        var good3 = store.CommitAsync(Step(claimed[3], "w1", 1), CancellationToken.None).AsTask();
        var created = store.CreateFlowAsync(Flow("new"), CancellationToken.None).AsTask();
        gate.Set();

        Assert.True(await blocker);
        await good0;
        await good3;
        Assert.True((await created).Created);
        Assert.True((await early).Created);
        await Assert.ThrowsAsync<LeaseLostException>(() => leaseLost);
        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        await Assert.ThrowsAsync<SqliteException>(() => broken);

        // The blocker's transaction and one for the whole batch.
        Assert.Equal(2, store.WriteTransactions - transactionsBefore);
        Assert.Equal(FlowState.Running, (await store.GetFlowAsync("f0", CancellationToken.None))!.State);
        Assert.Equal(FlowState.Running, (await store.GetFlowAsync("f3", CancellationToken.None))!.State);
        Assert.Equal(FlowState.Pending, (await store.GetFlowAsync("f1", CancellationToken.None))!.State);
        Assert.Equal(FlowState.Pending, (await store.GetFlowAsync("f2", CancellationToken.None))!.State);
        Assert.Equal(0, (await store.GetStepsAsync("f2", CancellationToken.None))[0].Attempts);
        Assert.NotNull(await store.GetFlowAsync("new", CancellationToken.None));
        Assert.NotNull(await store.GetFlowAsync("early", CancellationToken.None));
        Assert.Equal([1L, 2], (await store.GetHistoryAsync("f0", 0, 10, CancellationToken.None)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Initialize_records_the_schema_version_and_refuses_a_newer_one()
    {
        var path = temp.PathOf();
        await (await OpenAsync(path)).DisposeAsync();
        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));

        // Opening again migrates nothing and keeps the data.
        await (await OpenAsync(path)).DisposeAsync();
        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            command.ExecuteNonQuery();
        }

        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.InitializeAsync(CancellationToken.None));
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("newer FlowMachine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_3_database_keeps_its_flows_when_specs_move_to_their_own_table()
    {
        // A database as FlowMachine wrote it at schema version 3: the spec inside the flow row.
        var path = temp.PathOf();
        const string spec = """{"tasks":[{"key":"a","task_type":"noop"},{"key":"b","task_type":"noop","precursors":["a"]}]}""";
        SqliteFiles.CreateAtVersion(
            path,
            3,
            "INSERT INTO flows (id, key, spec_json, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at) " +
            "VALUES ('old', 'old-key', @spec, 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1000);" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('old', 'a', 0, 'noop', 'PENDING', 0), ('old', 'b', 1, 'noop', 'PENDING', 0);",
            spec);

        await using var store = await OpenAsync(path);
        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));
        var old = await store.GetFlowAsync("old", CancellationToken.None);
        Assert.Equal(spec, old!.SpecJson);
        Assert.Equal("old", (await store.GetFlowByKeyAsync("old-key", CancellationToken.None))!.Id);

        // A new flow with the same spec text shares one stored copy of it; the old flow keeps its own.
        var n2 = Flow("n2");
        n2.Flow.SpecJson = spec;
        await store.CreateFlowAsync(n2, CancellationToken.None);
        var n3 = Flow("n3");
        n3.Flow.SpecJson = spec;
        await store.CreateFlowAsync(n3, CancellationToken.None);
        Assert.Equal(spec, (await store.GetFlowAsync("n3", CancellationToken.None))!.SpecJson);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM specs WHERE spec_json = @spec";
            command.Parameters.AddWithValue("@spec", spec);
            Assert.Equal(2L, (long)command.ExecuteScalar()!); // the migrated copy and one shared by n2 and n3
        }

        // The migrated flow still runs from its stored spec.
        var claimed = await store.ClaimFlowAsync("old", "w1", DateTimeOffset.FromUnixTimeMilliseconds(2000), TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(spec, claimed!.Flow.SpecJson);
        Assert.Equal(["a", "b"], claimed.Steps.Select(s => s.Key));
    }

    [Fact]
    public async Task A_claim_reads_the_head_of_the_due_and_leased_indexes_and_never_scans_the_flows()
    {
        var path = temp.PathOf();
        await using var store = await OpenAsync(path);
        var plan = SqliteFiles.ClaimPlan(path, SqliteFlowStore.ClaimDueSql);
        output.WriteLine(string.Join("\n", plan));
        Assert.Contains(plan, line => line.Contains("USING INDEX flows_due", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX flows_leased", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN flows", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_version_4_database_claims_due_and_expired_flows_as_before()
    {
        // Flows as schema version 4 stored them: due, held, held with the lease run out, waiting.
        var path = temp.PathOf();
        SqliteFiles.CreateAtVersion(
            path,
            4,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{}');" +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, lease_owner, lease_expires_at, routine) VALUES " +
            "('due', 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1500, NULL, NULL, 'r'), " +
            "('held', 'h', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1100, 'w1', 9000, 'r'), " +
            "('expired', 'h', 'RUNNING', 0, '{}', 0, 0, 1000, 1000, 1200, 'w1', 1900, NULL), " +
            "('waiting', 'h', 'WAITING', 0, '{}', 0, 0, 1000, 1000, NULL, NULL, NULL, 'r');");

        await using var store = await OpenAsync(path);
        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));
        var now = DateTimeOffset.FromUnixTimeMilliseconds(2000);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1500), await store.GetNextDueAsync(CancellationToken.None)); // "expired" only from 1900
        var claimed = await store.ClaimDueAsync("w2", 10, now, Lease, CancellationToken.None);
        Assert.Equal(["expired", "due"], claimed.Select(c => c.Flow.Id));
        Assert.All(claimed, c => Assert.Equal("w2", c.Flow.LeaseOwner));
        Assert.Empty(await store.ClaimDueAsync("w3", 10, now, Lease, CancellationToken.None));

        // The filter indexes that now skip empty values still find what has one.
        var page = await store.ListFlowsAsync(new FlowQuery { Routine = "r" }, CancellationToken.None);
        Assert.Equal(["due", "held", "waiting"], page.Items.Select(f => f.Id).Order());
    }

    [Fact]
    public async Task An_unusable_path_is_reported_with_the_path_and_what_to_do()
    {
        // A regular file where a folder should be: the database cannot be created under it.
        var file = temp.PathOf("not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        var path = Path.Combine(file, "sub", "flows.db");

        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        var error = await Assert.ThrowsAsync<IOException>(async () => await store.InitializeAsync(CancellationToken.None));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Choose a path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_reported()
    {
        var path = temp.PathOf("junk.db");
        await File.WriteAllTextAsync(path, new string('x', 4096));

        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        var error = await Assert.ThrowsAsync<IOException>(async () => await store.InitializeAsync(CancellationToken.None));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Use_before_initialize_and_after_dispose_fail_clearly()
    {
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf() });
        var early = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetFlowAsync("x", CancellationToken.None));
        Assert.Contains("InitializeAsync", early.Message, StringComparison.Ordinal);

        await store.InitializeAsync(CancellationToken.None);
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.CreateFlowAsync(Flow("f1"), CancellationToken.None));
    }

    [Fact]
    public async Task Committed_pages_reach_the_database_file_in_the_background()
    {
        // Far fewer pages than the writer's own checkpoint threshold: only the background checkpointer moves them.
        var path = temp.PathOf();
        await using var store = await OpenAsync(path);
        var before = new FileInfo(path).Length;
        for (var i = 0; i < 200; i++)
        {
            await store.CreateFlowAsync(Flow($"f{i:D3}", nextRunAt: T0), CancellationToken.None);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (new FileInfo(path).Length <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(new FileInfo(path).Length > before, $"the database file stayed at {before} bytes: nothing was checkpointed");
        Assert.True(new FileInfo(path + "-wal").Length < SqliteCheckpointer.WriterThresholdPages * 4096L);
        Assert.Equal(200, (await store.ListFlowsAsync(new FlowQuery { Limit = 1000 }, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task Disposing_twice_is_harmless()
    {
        // A host disposes a store once for each service it is registered as (flow store and user store).
        var store = await OpenAsync(temp.PathOf());
        await store.CreateFlowAsync(Flow("f1"), CancellationToken.None);
        await store.DisposeAsync();
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.CreateFlowAsync(Flow("f2"), CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_waits_for_a_commit_in_progress_and_then_finishes()
    {
        var store = await OpenAsync(temp.PathOf());
        await store.CreateFlowAsync(Flow("f1"), CancellationToken.None);

        // A commit runs on its caller's thread while the writer is idle; dispose comes in meanwhile.
        var (blocker, release) = HoldWriter(store);
        var disposing = store.DisposeAsync().AsTask();
        await Task.Delay(100);
        Assert.False(disposing.IsCompleted, "dispose closed the connection under a running commit");

        release.Set();
        Assert.True(await blocker.WaitAsync(TimeSpan.FromSeconds(30)));
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(null, 2L)]
    [InlineData(true, 2L)]
    [InlineData(false, 1L)]
    public async Task Commits_wait_for_the_disk_unless_told_not_to(bool? full, long expected)
    {
        // synchronous: 2 = FULL (a commit survives a power cut), 1 = NORMAL.
        var path = temp.PathOf();
        var store = new SqliteFlowStore(full is { } f ? new SqliteStoreOptions { Path = path, SynchronousFull = f } : new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        var synchronous = await store.WriterForTests.WriteAsync(
            db =>
            {
                using var command = db.Connection.CreateCommand();
                command.CommandText = "PRAGMA synchronous";
                return (long)command.ExecuteScalar()!;
            },
            CancellationToken.None);
        Assert.Equal(expected, synchronous);
    }

    [Fact]
    public async Task The_database_is_in_wal_mode()
    {
        var path = temp.PathOf();
        await using var store = await OpenAsync(path);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
    }

    /// <summary>
    /// Keeps the writer inside a transaction, on a thread of its own, until the returned event is set; the
    /// task returns true when it was let go in time.
    /// </summary>
    private static (Task<bool> Blocker, ManualResetEventSlim Release) HoldWriter(SqliteFlowStore store)
    {
        var started = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var blocker = Task.Run(() => store.WriterForTests.WriteAsync(
            _ =>
            {
                started.Set();
                return release.Wait(TimeSpan.FromSeconds(30));
            },
            CancellationToken.None));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        return (blocker, release);
    }
}
