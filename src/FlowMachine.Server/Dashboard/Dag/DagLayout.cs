using FlowMachine.Specs;

namespace FlowMachine.Server.Dashboard.Dag;

/// <summary>
/// A layered layout of a spec's steps: a step's layer is one more than its deepest precursor's, so every
/// edge points right; rows within a layer follow the average row of the precursors to keep edges short.
/// </summary>
internal static class DagLayout
{
    public static IReadOnlyList<DagNode> Arrange(FlowSpec spec)
    {
        var steps = spec.Tasks;
        var index = new Dictionary<string, int>(steps.Count, StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            index[steps[i].Key] = i;
        }

        // Specs are validated acyclic, but a guard keeps a bad stored spec from looping.
        var layer = new int[steps.Count];
        var done = new bool[steps.Count];
        for (var pass = 0; pass < steps.Count + 1; pass++)
        {
            var changed = false;
            for (var i = 0; i < steps.Count; i++)
            {
                var deepest = -1;
                foreach (var p in steps[i].Precursors)
                {
                    if (index.TryGetValue(p, out var j))
                    {
                        deepest = Math.Max(deepest, layer[j]);
                    }
                }

                if (!done[i] || layer[i] != deepest + 1)
                {
                    layer[i] = deepest + 1;
                    done[i] = true;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }
        }

        var row = new double[steps.Count];
        var nodes = new DagNode[steps.Count];
        foreach (var group in Enumerable.Range(0, steps.Count).GroupBy(i => layer[i]).OrderBy(g => g.Key))
        {
            var ordered = group
                .Select(i => (Index: i, Weight: Barycenter(steps[i].Precursors, index, row, i)))
                .OrderBy(x => x.Weight).ThenBy(x => x.Index).ToList();
            for (var r = 0; r < ordered.Count; r++)
            {
                var i = ordered[r].Index;
                row[i] = r;
                nodes[i] = new DagNode(steps[i].Key, steps[i].TaskType, steps[i].Precursors, group.Key, r);
            }
        }

        return nodes;
    }

    private static double Barycenter(IReadOnlyList<string> precursors, Dictionary<string, int> index, double[] row, int self)
    {
        var rows = precursors.Where(index.ContainsKey).Select(p => row[index[p]]).ToList();
        return rows.Count == 0 ? self : rows.Average();
    }
}
