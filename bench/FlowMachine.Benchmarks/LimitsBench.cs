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

    /// <summary>limits STORE [FLOWS] [ROUNDS]: prints steps/s of each variant per round, their medians and the overheads.</summary>
    public static async Task RunAsync(string store, int flows, int rounds)
    {
        await using var h = await Harness.CreateAsync(store, concurrency: 64);
        static JsonNode Input(int i) => new JsonObject { ["customer"] = "c" + (i % Keys), ["tenant"] = "t" + (i % Keys) };
        foreach (var spec in new[] { Plain, Concurrency, Rate })
        {
            await h.RunBatchAsync(spec, 50, Input); // JIT and caches warm
        }

        var figures = new Dictionary<string, List<double>> { ["none"] = [], ["concurrency"] = [], ["rate"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, spec) in new[] { ("none", Plain), ("concurrency", Concurrency), ("rate", Rate) })
            {
                var took = await h.RunBatchAsync(spec, flows, Input);
                var perSecond = flows * 10 / took.TotalSeconds;
                figures[name].Add(perSecond);
                Console.WriteLine($"{store} round {round + 1} {name,-12} {flows} flows x 10 steps: {perSecond.ToString("N0", CultureInfo.InvariantCulture)} steps/s");
            }
        }

        var none = Median(figures["none"]);
        foreach (var (name, list) in figures)
        {
            var median = Median(list);
            Console.WriteLine($"{store} W10 {name,-12} median {median.ToString("N0", CultureInfo.InvariantCulture)} steps/s" +
                (name == "none" ? "" : $", overhead {((none - median) / none * 100).ToString("0.0", CultureInfo.InvariantCulture)} %"));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
