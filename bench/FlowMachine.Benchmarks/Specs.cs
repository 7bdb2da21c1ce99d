namespace FlowMachine.Benchmarks;

/// <summary>Flow definitions the workloads run.</summary>
internal static class Specs
{
    /// <summary>A flow of <paramref name="steps"/> no-op steps, one after another.</summary>
    public static string Linear(int steps) => "tasks: [" + string.Join(", ", Enumerable.Repeat("noop", steps)) + "]";
}
