namespace FlowMachine.Specs;

/// <summary>
/// Finds cycles among step precursors. Iterative depth-first search: a hostile spec with a long
/// chain of steps must not exhaust the stack.
/// </summary>
internal static class CycleFinder
{
    /// <summary>
    /// Returns each distinct cycle as its keys in run order, closed (<c>a, b, a</c>: b waits for a, a waits for b).
    /// </summary>
    /// <param name="keys">Step keys in spec order.</param>
    /// <param name="precursors">Each key's precursors (only keys in <paramref name="keys"/>).</param>
    public static List<List<string>> Find(IReadOnlyList<string> keys, IReadOnlyDictionary<string, IReadOnlyList<string>> precursors)
    {
        var cycles = new List<List<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        var stack = new Stack<(string Key, int Next)>();

        foreach (var start in keys)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }

            stack.Push((start, 0));
            state[start] = 1;
            path.Add(start);
            while (stack.Count > 0)
            {
                var (key, next) = stack.Pop();
                var edges = precursors.TryGetValue(key, out var list) ? list : [];
                if (next >= edges.Count)
                {
                    state[key] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                stack.Push((key, next + 1));
                var target = edges[next];
                if (!state.TryGetValue(target, out var s))
                {
                    state[target] = 1;
                    path.Add(target);
                    stack.Push((target, 0));
                }
                else if (s == 1)
                {
                    // The path runs from each step to its precursor; reverse it so the cycle reads in run order.
                    var from = path.LastIndexOf(target);
                    var cycle = path.GetRange(from, path.Count - from);
                    cycle.Reverse();
                    var signature = string.Join("\n", cycle.Order(StringComparer.Ordinal));
                    if (seen.Add(signature))
                    {
                        cycle.Add(cycle[0]);
                        cycles.Add(cycle);
                    }
                }
            }
        }

        return cycles;
    }
}
