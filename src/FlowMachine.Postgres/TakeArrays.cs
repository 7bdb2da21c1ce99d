namespace FlowMachine.Postgres;

/// <summary>Every ask of a commit batch's takes, in the batch's order, as the columns of <c>limit_take_each</c>.</summary>
internal sealed class TakeArrays
{
    public List<int> Of { get; } = [];

    public List<int> Take { get; } = [];

    /// <summary>The ask's place in its take (0: the first).</summary>
    public List<int> Ask { get; } = [];

    public List<string> Flow { get; } = [];

    public List<string> Step { get; } = [];

    public List<string> Owner { get; } = [];

    public List<string> Key { get; } = [];

    public List<int> Limit { get; } = [];

    public List<long?> Per { get; } = [];

    public List<string?> From { get; } = [];

    public List<long> Now { get; } = [];

    public List<long> Expires { get; } = [];

    public int Count => Of.Count;

    public void Add(int of, int take, int ask, string flow, string step, string owner, string key, int limit, long? per, string? from, long now, long expires)
    {
        Of.Add(of);
        Take.Add(take);
        Ask.Add(ask);
        Flow.Add(flow);
        Step.Add(step);
        Owner.Add(owner);
        Key.Add(key);
        Limit.Add(limit);
        Per.Add(per);
        From.Add(from);
        Now.Add(now);
        Expires.Add(expires);
    }
}
