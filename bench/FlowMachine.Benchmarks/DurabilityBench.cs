using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Benchmarks;

/// <summary>
/// SQLite's durability setting: W10 (FLOWS flows x 10 steps, 64 at once, median of three rounds) and L1 (sequential
/// 3-step flows) with <c>synchronous=NORMAL</c> and <c>synchronous=FULL</c>, interleaved NORMAL, FULL, NORMAL, FULL …
/// in fresh stores (the machine may be shared), and the median of each over all pairs.
/// </summary>
internal static class DurabilityBench
{
    public const string Mode = "durability";

    public static async Task RunAsync(int pairs, int w10Flows, int l1Flows, string jsonPath)
    {
        var w10 = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var p50 = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var p99 = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var spec10 = Linear(10);
        var spec3 = Linear(3);
        for (var pair = 0; pair < pairs; pair++)
        {
            foreach (var full in new[] { false, true })
            {
                await using var h = await Harness.CreateAsync("sqlite", concurrency: 64, synchronousFull: full);
                await h.RunBatchAsync(spec10, 50);
                var rounds = new List<double>();
                for (var round = 0; round < 3; round++)
                {
                    rounds.Add(w10Flows * 10 / (await h.RunBatchAsync(spec10, w10Flows)).TotalSeconds);
                }

                var l1 = await h.RunSequentialAsync(spec3, l1Flows);
                w10[full].Add(Median(rounds));
                p50[full].Add(Percentile(l1, 50));
                p99[full].Add(Percentile(l1, 99));
                Console.WriteLine($"pair {pair + 1} {Name(full),-6} W10 {w10[full][^1],9:N0} steps/s  L1 p50 {p50[full][^1]:0.###} ms, p99 {p99[full][^1]:0.###} ms");
            }
        }

        var results = new JsonArray();
        foreach (var full in new[] { false, true })
        {
            var row = new JsonObject
            {
                ["store"] = "sqlite",
                ["synchronous"] = Name(full),
                ["pairs"] = pairs,
                ["w10_steps_per_s"] = Math.Round(Median(w10[full]), 0),
                ["l1_p50_ms"] = Math.Round(Median(p50[full]), 3),
                ["l1_p99_ms"] = Math.Round(Median(p99[full]), 3),
            };
            results.Add(row);
            Console.WriteLine($"median {Name(full),-6} W10 {Median(w10[full]),9:N0} steps/s  L1 p50 {Median(p50[full]):0.###} ms, p99 {Median(p99[full]):0.###} ms");
        }

        var ratio = Median(w10[true]) / Median(w10[false]);
        Console.WriteLine($"W10 FULL / NORMAL = {ratio:0.###}");
        var document = new JsonObject
        {
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            ["at"] = DateTimeOffset.UtcNow,
            ["w10_flows"] = w10Flows,
            ["l1_flows"] = l1Flows,
            ["w10_full_over_normal"] = Math.Round(ratio, 3),
            ["results"] = results,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
        await File.WriteAllTextAsync(jsonPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {jsonPath}");
    }

    private static string Name(bool full) => full ? "FULL" : "NORMAL";

    private static string Linear(int steps) => "tasks: [" + string.Join(", ", Enumerable.Repeat("noop", steps)) + "]";

    private static double Median(List<double> values) => Percentile(values, 50);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
