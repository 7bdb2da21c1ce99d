namespace FlowMachine.Client.Http;

/// <summary>Marks a request that may be sent again after a transient failure: reads, starts with a key, and commands with an Idempotency-Key.</summary>
internal static class Idempotency
{
    private static readonly HttpRequestOptionsKey<bool> Key = new("FlowMachine.Idempotent");

    public static void Mark(HttpRequestMessage request) => request.Options.Set(Key, true);

    public static bool IsMarked(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var marked) && marked;
}
