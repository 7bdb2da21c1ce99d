namespace FlowMachine.Engine;

/// <summary>
/// A set of step indexes kept in ascending order, for the few steps that are ready or waiting at a time.
/// Enumerating it allocates nothing (a sorted set allocates a stack per enumeration, at every step).
/// </summary>
internal sealed class IndexSet
{
    private readonly List<int> items = [];

    public int Count => items.Count;

    public int Min => items[0];

    public bool Contains(int index) => items.BinarySearch(index) >= 0;

    public bool Add(int index)
    {
        var at = items.BinarySearch(index);
        if (at >= 0)
        {
            return false;
        }

        items.Insert(~at, index);
        return true;
    }

    public bool Remove(int index)
    {
        var at = items.BinarySearch(index);
        if (at < 0)
        {
            return false;
        }

        items.RemoveAt(at);
        return true;
    }

    public void Clear() => items.Clear();

    public int[] ToArray() => [.. items];

    public List<int>.Enumerator GetEnumerator() => items.GetEnumerator();
}
