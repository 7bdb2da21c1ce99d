namespace FlowMachine.Storage.InMemory;

/// <summary>Orders index keys by time, then by id (ordinal, like SQL's binary collation).</summary>
internal sealed class DueKeyComparer : IComparer<(long Ticks, string Id)>
{
    public static readonly DueKeyComparer Instance = new();

    public int Compare((long Ticks, string Id) x, (long Ticks, string Id) y)
    {
        var byTime = x.Ticks.CompareTo(y.Ticks);
        return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
    }
}
