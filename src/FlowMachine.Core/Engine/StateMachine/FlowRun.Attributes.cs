using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Attributes the flow's tasks set, held until the next flush commits them with the step.
internal sealed partial class FlowRun
{
    private Dictionary<string, string>? attributes;

    /// <summary>Keeps the attributes a task set for the next commit; a later value of the same name wins.</summary>
    public void SetAttributes(IReadOnlyDictionary<string, string> set)
    {
        if (set.Count == 0)
        {
            return;
        }

        attributes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in set)
        {
            attributes[name] = value;
        }
    }

    private IReadOnlyDictionary<string, string> TakeAttributes()
    {
        if (attributes is null)
        {
            return FlowTags.NoAttributes;
        }

        var taken = attributes;
        attributes = null;
        return taken;
    }
}
