using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowMachine.Benchmarks;

/// <summary>
/// The cost of flow control: W10 (flows of 10 no-op steps, 64 at once) without limits, with a per-key concurrency
/// limit that never binds, and with a rate limit that never binds, in interleaved rounds on one store.
/// </summary>
internal static class LimitsBench
{
    public const string Mode = "limits";

    private const int Keys = 50;

    private static readonly string Plain = Specs.Linear(10);

    // 50 customers, at most 64 flows at once: a limit of 100 per customer never binds, yet every step takes and frees a slot.
    private static readonly string Concurrency = "cfg: { concurrency: { key: \"$input.customer\", limit: 100 } }\n" + Plain;

    // A million starts a second per tenant never binds, yet every step takes a token.
    private static readonly string Rate = "cfg: { rate: { limit: 1000000, per: 1s, key: \"$input.tenant\" } }\n" + Plain;

    /// <summary>
    /// limits STORE [FLOWS] [ROUNDS]: prints steps/s of each variant per round, their medians and the overheads; returns
    /// the medians and the overheads (in %, of steps/s and of CPU per step) for the JSON.
    /// </summary>
    public static async Task<Dictionary<string, double>> RunAsync(string store, int flows, int rounds)
    {
        await using var h = await Harness.CreateAsync(store, concurrency: 64);
        static JsonNode Input(int i) => new JsonObject { ["customer"] = "c" + (i % Keys), ["tenant"] = "t" + (i % Keys) };
        // Warm up, not measured, until the JIT is done: rounds of every variant until one compiles fewer than 20 methods
        // (at most 10). A first round at full size measured tier-up and read as an overhead of tens of percent.
        var warmRounds = 0;
        for (var compiled = long.MaxValue; compiled >= 20 && warmRounds < 10; warmRounds++)
        {
            var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            foreach (var spec in new[] { Plain, Concurrency, Rate })
            {
                await h.RunBatchAsync(spec, Math.Min(flows, 200), Input);
            }

            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
            Console.WriteLine($"{store} warm-up round {warmRounds + 1}: {compiled} methods compiled");
        }

        // Commits per step: a step held back by its limit costs a round more (a commit to wait, a claim, a commit to start).
        long commits = 0;
        h.Engine.Committed += _ => Interlocked.Increment(ref commits);
        var figures = new Dictionary<string, List<double>> { ["none"] = [], ["concurrency"] = [], ["rate"] = [] };
        var cpus = new Dictionary<string, List<double>> { ["none"] = [], ["concurrency"] = [], ["rate"] = [] };

        // PostgreSQL's own CPU a step (every process of the server: other clients of a shared server count too).
        var server = h.PgConnectionString is { } pg ? await PgServerCpu.FindAsync(pg) : null;
        var serverCpus = new Dictionary<string, List<double>> { ["none"] = [], ["concurrency"] = [], ["rate"] = [] };

        // FLOWMACHINE_BENCH_STATEMENTS=1: what each statement cost a step in each variant, over all its rounds (pg_stat_statements).
        var statements = h.PgConnectionString is { } pgs && Environment.GetEnvironmentVariable("FLOWMACHINE_BENCH_STATEMENTS") == "1"
            ? await PgStatements.OpenAsync(pgs) : null;
        var statementRows = new Dictionary<string, Dictionary<string, PgStatements.Row>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, spec) in new[] { ("none", Plain), ("concurrency", Concurrency), ("rate", Rate) })
            {
                var before = Interlocked.Read(ref commits);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var statementsBefore = statements is null ? null : await statements.SnapshotAsync();
                var serverCpu = server?.Total();
                var took = await h.RunBatchAsync(spec, flows, Input);
                var serverPerStep = server is null ? (double?)null : (server.Total() - serverCpu!.Value).TotalMicroseconds / (flows * 10);
                var cpuPerStep = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / (flows * 10);
                cpus[name].Add(cpuPerStep);
                if (statements is not null)
                {
                    Accumulate(statementRows, name, PgStatements.Between(statementsBefore!, await statements.SnapshotAsync()));
                }

                if (serverPerStep is { } s)
                {
                    serverCpus[name].Add(s);
                }

                var perSecond = flows * 10 / took.TotalSeconds;
                var perStep = (double)(Interlocked.Read(ref commits) - before) / (flows * 10);
                figures[name].Add(perSecond);
                Console.WriteLine($"{store} round {round + 1} {name,-12} {flows} flows x 10 steps: {perSecond.ToString("N0", CultureInfo.InvariantCulture)} steps/s, " +
                    $"{cpuPerStep.ToString("0.0", CultureInfo.InvariantCulture)} µs of CPU per step" +
                    (serverPerStep is { } sp ? $" (server {sp.ToString("0.0", CultureInfo.InvariantCulture)} µs)" : "") + $", {perStep.ToString("0.00", CultureInfo.InvariantCulture)} commits per step");
            }
        }

        var none = Median(figures["none"]);
        var noneCpu = Median(cpus["none"]);
        var result = new Dictionary<string, double> { ["flows"] = flows, ["rounds"] = rounds, ["warmup_rounds"] = warmRounds };
        foreach (var (name, list) in figures)
        {
            var median = Median(list);
            var cpu = Median(cpus[name]);
            var overhead = (none - median) / none * 100;
            var cpuOverhead = (cpu - noneCpu) / noneCpu * 100;
            result[$"{name}_steps_per_s"] = median;
            result[$"{name}_cpu_us_per_step"] = cpu;
            var serverCpu = serverCpus[name].Count > 0 ? Median(serverCpus[name]) : (double?)null;
            if (serverCpu is { } sc)
            {
                result[$"{name}_server_cpu_us_per_step"] = sc;
            }

            if (name != "none")
            {
                result[$"{name}_overhead_pct"] = overhead;
                result[$"{name}_cpu_overhead_pct"] = cpuOverhead;
            }

            Console.WriteLine($"{store} W10 {name,-12} median {median.ToString("N0", CultureInfo.InvariantCulture)} steps/s, {cpu.ToString("0.0", CultureInfo.InvariantCulture)} µs of CPU per step" +
                (serverCpu is { } m ? $" (server {m.ToString("0.0", CultureInfo.InvariantCulture)} µs)" : "") +
                (name == "none" ? "" : $", overhead {overhead.ToString("0.0", CultureInfo.InvariantCulture)} % (CPU {cpuOverhead.ToString("0.0", CultureInfo.InvariantCulture)} %)"));
        }

        foreach (var (name, rows) in statementRows)
        {
            Console.WriteLine($"{store} statements of {name} (all rounds):");
            PgStatements.Report([.. rows.Values.OrderByDescending(r => r.ExecMs + r.PlanMs)], (long)flows * 10 * rounds, top: 40);
        }

        // The slot table's updates over the whole run (hand-overs and renewals), and how many of them were heap-only.
        if (h.PgConnectionString is { } db && await PgTableUpdates.ReadAsync(db, "limit_slots") is var (updates, heapOnly))
        {
            result["slot_updates"] = updates;
            result["slot_hot_updates"] = heapOnly;
            Console.WriteLine($"{store} limit_slots: {updates.ToString("N0", CultureInfo.InvariantCulture)} row updates, " +
                $"{heapOnly.ToString("N0", CultureInfo.InvariantCulture)} of them heap-only ({(updates == 0 ? 0 : 100.0 * heapOnly / updates).ToString("0.0", CultureInfo.InvariantCulture)} %)");
        }

        return result;
    }

    private static void Accumulate(Dictionary<string, Dictionary<string, PgStatements.Row>> into, string name, List<PgStatements.Row> rows)
    {
        var sum = into.TryGetValue(name, out var d) ? d : into[name] = new Dictionary<string, PgStatements.Row>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            sum[r.Query] = sum.TryGetValue(r.Query, out var s)
                ? s with { Calls = s.Calls + r.Calls, ExecMs = s.ExecMs + r.ExecMs, PlanMs = s.PlanMs + r.PlanMs, Rows = s.Rows + r.Rows }
                : r;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
