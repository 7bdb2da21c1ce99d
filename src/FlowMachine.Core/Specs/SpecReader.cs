using System.Text.Json.Nodes;
using FlowMachine.Registry;

namespace FlowMachine.Specs;

/// <summary>
/// Walks a spec document, collecting every error with its path, and builds the <see cref="FlowSpec"/>
/// when there are none. One instance per read.
/// </summary>
internal sealed partial class SpecReader
{
    /// <summary>The pseudo-precursor that means "starts at the beginning".</summary>
    public const string RootKey = "ROOT";

    private static readonly string[] FlowFields = ["label", "key", "cfg", "data", "tasks"];
    private static readonly string[] CfgFields = ["fail_fast", "retry", "timeout", "schedule_to_start", "heartbeat_timeout", "deadline", "tags", "priority", "concurrency", "rate"];
    private static readonly string[] TaskFields = ["key", "task_type", "task_params", "precursors", "retry", "timeout", "schedule_to_start", "heartbeat_timeout", "queue", "concurrency", "rate"];
    private static readonly string[] RetryFields = ["attempts", "delay", "factor", "max_delay"];

    private readonly List<SpecError> errors = [];
    private readonly ITaskCatalog? catalog;
    private readonly IReadOnlyDictionary<JsonNode, int>? lines;
    private List<string>? typeNames;

    private SpecReader(ITaskCatalog? catalog, IReadOnlyDictionary<JsonNode, int>? lines)
    {
        this.catalog = catalog;
        this.lines = lines;
    }

    /// <param name="root">The document.</param>
    /// <param name="catalog">Task types to check against; null trusts every type (reloading stored specs).</param>
    /// <param name="lines">Source lines of nodes, when read from YAML.</param>
    public static SpecResult Read(JsonNode? root, ITaskCatalog? catalog, IReadOnlyDictionary<JsonNode, int>? lines)
    {
        var reader = new SpecReader(catalog, lines);
        var spec = reader.ReadRoot(root);
        return reader.errors.Count == 0 && spec is not null ? new SpecResult(spec, []) : new SpecResult(null, reader.errors);
    }

    private FlowSpec? ReadRoot(JsonNode? root)
    {
        if (root is null)
        {
            Error(SpecPath.Root, "The spec is empty: expected an object with 'tasks' or a list of task names.", null);
            return null;
        }

        if (NodeReader.FindProblem(root, SpecPath.Root, 1, SpecCompiler.MaxDepth) is { } problem)
        {
            Error(problem.Path, problem.Problem, null);
            return null;
        }

        switch (root)
        {
            case JsonArray routine:
                var steps = ReadTasks(routine, SpecPath.Root);
                return new FlowSpec { Tasks = steps };
            case JsonObject obj:
                return ReadFlow(obj);
            default:
                Error(SpecPath.Root, $"A spec must be an object with 'tasks' or a list of task names, not {NodeReader.Describe(root)}.", root);
                return null;
        }
    }

    private FlowSpec ReadFlow(JsonObject obj)
    {
        string? label = null, key = null;
        var cfg = new FlowConfig();
        JsonObject data = [];
        IReadOnlyList<StepSpec> tasks = [];
        var hasTasks = false;
        foreach (var (name, value) in obj)
        {
            var path = SpecPath.Child(SpecPath.Root, name);
            switch (name)
            {
                case "label":
                    label = OptionalString(value, path);
                    break;
                case "key":
                    key = OptionalString(value, path);
                    if (key is { Length: 0 })
                    {
                        Error(path, "The flow key must not be empty; leave it out instead.", value, obj);
                    }

                    break;
                case "cfg":
                    cfg = ReadCfg(value, path, obj);
                    break;
                case "data":
                    data = OptionalObject(value, path, obj) ?? [];
                    break;
                case "tasks":
                    hasTasks = true;
                    if (value is JsonArray list)
                    {
                        tasks = ReadTasks(list, path);
                    }
                    else
                    {
                        Error(path, $"'tasks' must be a list of tasks, not {NodeReader.Describe(value)}.", value, obj);
                    }

                    break;
                default:
                    Unknown(name, path, FlowFields, value, obj);
                    break;
            }
        }

        if (!hasTasks)
        {
            Error("tasks", "'tasks' is required: list the tasks to run, as objects with key and task_type or as task type names.", obj);
        }

        return new FlowSpec { Label = label, Key = key, Cfg = cfg, Data = data, Tasks = tasks };
    }

    private FlowConfig ReadCfg(JsonNode? node, string path, JsonNode parent)
    {
        var cfg = new FlowConfig();
        if (node is null)
        {
            return cfg;
        }

        if (node is not JsonObject obj)
        {
            Error(path, $"'cfg' must be an object, not {NodeReader.Describe(node)}.", node, parent);
            return cfg;
        }

        foreach (var (name, value) in obj)
        {
            var childPath = SpecPath.Child(path, name);
            switch (name)
            {
                case "fail_fast":
                    if (value is not null)
                    {
                        if (NodeReader.TryGetBool(value, out var failFast))
                        {
                            cfg = cfg with { FailFast = failFast };
                        }
                        else
                        {
                            Error(childPath, $"'fail_fast' must be true or false, not {NodeReader.Describe(value)}.", value, obj);
                        }
                    }

                    break;
                case "retry":
                    cfg = cfg with { Retry = ReadRetry(value, childPath, obj) };
                    break;
                case "timeout":
                    cfg = cfg with { TimeoutSeconds = ReadTimeout(value, childPath, obj) };
                    break;
                case "schedule_to_start":
                    cfg = cfg with { ScheduleToStartSeconds = ReadScheduleToStart(value, childPath, obj) };
                    break;
                case "deadline":
                    cfg = cfg with { DeadlineSeconds = ReadDeadline(value, childPath, obj) };
                    break;
                case "heartbeat_timeout":
                    cfg = cfg with { HeartbeatTimeoutSeconds = ReadHeartbeatTimeout(value, childPath, obj) };
                    break;
                case "tags":
                    cfg = cfg with { Tags = ReadTags(value, childPath, obj) };
                    break;
                case "priority":
                    cfg = cfg with { Priority = ReadPriority(value, childPath, obj) };
                    break;
                case "concurrency":
                    cfg = cfg with { Concurrency = ReadConcurrency(value, childPath, obj) };
                    break;
                case "rate":
                    cfg = cfg with { Rate = ReadRate(value, childPath, obj) };
                    break;
                default:
                    Unknown(name, childPath, CfgFields, value, obj);
                    break;
            }
        }

        return cfg;
    }
}
