namespace FlowMachine.Engine;

/// <summary>The limits of one step about to start, with the buckets read for them, in the order they are taken.</summary>
internal readonly record struct LimitAsking(int Index, int Attempt, string StepKey, List<(LimitRule Rule, string Bucket)> Limits);
