using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Child flows: the new flows a spawn outcome asks for.
public sealed partial class FlowEngine
{
    private async Task<IReadOnlyList<NewFlow>> BuildChildrenAsync(FlowRun run, int index, SpawnOutcome spawn, ActivityContext spawnedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var children = new List<NewFlow>(spawn.Children.Count);
        var stepKey = run.Steps[index].Key;
        for (var k = 0; k < spawn.Children.Count; k++)
        {
            var request = spawn.Children[k];
            FlowSpec spec;
            string? routine = null;
            int? version = null;
            if (request.TaskType is { } taskType)
            {
                if (!Catalog.TryGet(taskType, out _))
                {
                    throw new SpecException([new SpecError("task_type", $"task type '{taskType}' is not registered in this host")]);
                }

                spec = new FlowSpec
                {
                    Label = $"{taskType} spawned by {run.Flow.Id}/{stepKey}",
                    Tasks = [new StepSpec { Key = taskType, TaskType = taskType, TaskParams = (JsonObject?)request.Args?.DeepClone() ?? [] }],
                };
            }
            else if (request.Routine is { } name)
            {
                var stored = await Store.GetRoutineAsync(name, request.Version, cancellationToken).ConfigureAwait(false)
                    ?? throw new SpecException([new SpecError("routine", $"routine '{name}' does not exist")]);
                spec = SpecJson.Deserialize(stored.SpecJson);
                CheckTaskTypes(spec, Catalog);
                routine = stored.Name;
                version = stored.Version;
            }
            else if (request.Spec is { } inline)
            {
                spec = SpecCompiler.Compile(inline, Catalog, Options.SpecLimits).GetOrThrow();
            }
            else
            {
                throw new SpecException([new SpecError("$", "a spawn must name a task type, a routine or a spec")]);
            }

            var label = spec.Label ?? $"child {k} of {run.Flow.Id}/{stepKey}";
            var child = BuildFlow(spec with { Key = null }, routine, version, request.Input, key: null, label, run.Flow.Owner, (run.Flow.Id, stepKey, k), now, spawnedBy: spawnedBy);
            child.Flow.Priority = spec.Cfg.Priority ?? run.Flow.Priority; // a child runs as urgently as its parent unless its spec says otherwise
            children.Add(child);
        }

        return children;
    }
}
