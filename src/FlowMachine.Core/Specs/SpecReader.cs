using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Registry;

namespace FlowMachine.Specs;

/// <summary>
/// Walks a spec document, collecting every error with its path, and builds the <see cref="FlowSpec"/>
/// when there are none. One instance per read.
/// </summary>
internal sealed class SpecReader
{
    /// <summary>The pseudo-precursor that means "starts at the beginning".</summary>
    public const string RootKey = "ROOT";

    private static readonly string[] FlowFields = ["label", "key", "cfg", "data", "tasks"];
    private static readonly string[] CfgFields = ["fail_fast", "retry", "timeout"];
    private static readonly string[] TaskFields = ["key", "task_type", "task_params", "precursors", "retry", "timeout"];
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
                default:
                    Unknown(name, childPath, CfgFields, value, obj);
                    break;
            }
        }

        return cfg;
    }

    private List<StepSpec> ReadTasks(JsonArray list, string path)
    {
        if (list.Count == 0)
        {
            Error(path, "The task list is empty: a spec needs at least one task.", list);
            return [];
        }

        var drafts = new List<StepDraft>(list.Count);
        var bareCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var itemPath = SpecPath.Index(path, i);
            var item = list[i];
            if (NodeReader.TryGetString(item, out var bare))
            {
                drafts.Add(ReadBareTask(bare, itemPath, item!, bareCounts));
            }
            else if (item is JsonObject obj)
            {
                drafts.Add(ReadTask(obj, itemPath));
            }
            else
            {
                Error(itemPath, $"A task must be an object with key and task_type, or a task type name; got {NodeReader.Describe(item)}.", item, list);
                drafts.Add(new StepDraft(itemPath, item ?? list));
            }
        }

        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            if (draft.Key is null)
            {
                continue;
            }

            if (firstIndex.TryGetValue(draft.Key, out var first))
            {
                Error(draft.KeyPath, $"Duplicate key '{draft.Key}': {SpecPath.Index(path, first)} already uses it. Keys must be unique.", draft.KeyNode);
                draft.IsDuplicate = true;
            }
            else
            {
                firstIndex[draft.Key] = i;
            }
        }

        ResolvePrecursors(drafts, firstIndex);
        FindCycles(drafts);

        return [.. drafts.Where(d => d.Key is not null && d.TaskType is not null).Select(d => new StepSpec
        {
            Key = d.Key!,
            TaskType = d.TaskType!,
            TaskParams = d.Params, // already a detached copy
            Precursors = d.Resolved,
            Retry = d.Retry,
            TimeoutSeconds = d.Timeout,
        })];
    }

    private StepDraft ReadBareTask(string name, string path, JsonNode node, Dictionary<string, int> bareCounts)
    {
        var draft = new StepDraft(path, node) { KeyPath = path, KeyNode = node };
        if (name.Length == 0)
        {
            Error(path, "A task name must not be empty.", node);
            return draft;
        }

        // The same bare name twice runs twice: later occurrences get name#2, name#3, ...
        var count = bareCounts[name] = bareCounts.GetValueOrDefault(name) + 1;
        var key = count == 1 ? name : $"{name}#{count}";
        if (CheckTaskType(name, path, node) && CheckKey(key, path, node))
        {
            draft.Key = key;
            draft.TaskType = name;
        }

        return draft;
    }

    private StepDraft ReadTask(JsonObject obj, string path)
    {
        var draft = new StepDraft(path, obj) { KeyPath = SpecPath.Child(path, "key"), KeyNode = obj };
        var sawKey = false;
        var sawType = false;
        foreach (var (name, value) in obj)
        {
            var childPath = SpecPath.Child(path, name);
            switch (name)
            {
                case "key":
                    sawKey = true;
                    draft.KeyNode = value ?? obj;
                    if (!NodeReader.TryGetString(value, out var key))
                    {
                        Error(childPath, $"'key' must be a string, not {NodeReader.Describe(value)}.{QuoteHint(value)}", value, obj);
                    }
                    else if (CheckKey(key, childPath, value!))
                    {
                        draft.Key = key;
                    }

                    break;
                case "task_type":
                    sawType = true;
                    if (!NodeReader.TryGetString(value, out var type))
                    {
                        Error(childPath, $"'task_type' must be a string naming a registered task type, not {NodeReader.Describe(value)}.{QuoteHint(value)}", value, obj);
                    }
                    else if (type.Length == 0)
                    {
                        Error(childPath, "'task_type' must not be empty.", value, obj);
                    }
                    else if (CheckTaskType(type, childPath, value!))
                    {
                        draft.TaskType = type;
                    }

                    break;
                case "task_params":
                    draft.Params = OptionalObject(value, childPath, obj) ?? [];
                    break;
                case "precursors":
                    draft.Explicit = ReadPrecursorList(value, childPath, obj);
                    break;
                case "retry":
                    draft.Retry = ReadRetry(value, childPath, obj);
                    break;
                case "timeout":
                    draft.Timeout = ReadTimeout(value, childPath, obj);
                    break;
                default:
                    Unknown(name, childPath, TaskFields, value, obj);
                    break;
            }
        }

        if (!sawKey)
        {
            Error(SpecPath.Child(path, "key"), "'key' is required: a unique name for this task (letters, digits, _ - . #).", obj);
        }

        if (!sawType)
        {
            Error(SpecPath.Child(path, "task_type"), "'task_type' is required: the registered task type to run (see `flowmachine tasks`).", obj);
        }

        return draft;
    }

    private List<(string Name, string Path, JsonNode Node)>? ReadPrecursorList(JsonNode? node, string path, JsonNode parent)
    {
        if (node is not JsonArray array)
        {
            // null reads as "not given" (a YAML 'precursors:' with nothing after it), anything else is wrong.
            if (node is not null)
            {
                Error(path, $"'precursors' must be a list of task keys, not {NodeReader.Describe(node)}.", node, parent);
                return [];
            }

            return null;
        }

        var names = new List<(string, string, JsonNode)>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = SpecPath.Index(path, i);
            if (NodeReader.TryGetString(array[i], out var name))
            {
                names.Add((name, itemPath, array[i]!));
            }
            else
            {
                Error(itemPath, $"A precursor must be a task key (a string), not {NodeReader.Describe(array[i])}.{QuoteHint(array[i])}", array[i], array);
            }
        }

        return names;
    }

    private void ResolvePrecursors(List<StepDraft> drafts, Dictionary<string, int> keys)
    {
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            if (draft.Explicit is null)
            {
                // No precursors given: follow the task before (the first follows ROOT).
                if (i > 0 && drafts[i - 1].Key is { } previous && !drafts[i - 1].IsDuplicate)
                {
                    draft.Resolved.Add(previous);
                }

                continue;
            }

            foreach (var (name, path, node) in draft.Explicit)
            {
                if (name == RootKey)
                {
                    continue;
                }

                if (draft.Key is not null && name == draft.Key)
                {
                    Error(path, $"Task '{name}' lists itself as a precursor; a task cannot wait for itself.", node);
                }
                else if (!keys.ContainsKey(name))
                {
                    var known = keys.Keys.Take(20).ToList();
                    Error(
                        path,
                        $"Unknown precursor '{name}': no task has that key.{Suggestions.DidYouMean(name, keys.Keys)} Known keys: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}{(keys.Count > known.Count ? ", ..." : "")}. Use ROOT or [] to start at the beginning.",
                        node);
                }
                else if (draft.Resolved.Contains(name))
                {
                    Error(path, $"Precursor '{name}' is listed twice.", node);
                }
                else
                {
                    draft.Resolved.Add(name);
                }
            }
        }
    }

    private void FindCycles(List<StepDraft> drafts)
    {
        var nodes = drafts.Where(d => d.Key is not null && !d.IsDuplicate).ToList();
        var byKey = nodes.ToDictionary(d => d.Key!, StringComparer.Ordinal);
        var edges = nodes.ToDictionary(d => d.Key!, d => (IReadOnlyList<string>)d.Resolved, StringComparer.Ordinal);
        foreach (var cycle in CycleFinder.Find([.. byKey.Keys], edges))
        {
            // Name the cycle at the earliest task in it, in spec order.
            var first = nodes.First(d => cycle.Contains(d.Key!));

            // Start the description at that task too: a -> b -> c -> a reads better than b -> c -> a -> b.
            var open = cycle.GetRange(0, cycle.Count - 1);
            var at = open.IndexOf(first.Key!);
            var rotated = open.Skip(at).Concat(open.Take(at)).Append(first.Key!);
            Error(
                SpecPath.Child(first.Path, "precursors"),
                $"The precursors form a cycle: {string.Join(" -> ", rotated)}. Each task waits for the one before it, so none can start.",
                first.Node);
        }
    }

    private RetrySpec? ReadRetry(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject obj)
        {
            Error(path, $"'retry' must be an object like {{attempts: 3, delay: 1, factor: 2, max_delay: 60}}, not {NodeReader.Describe(node)}.", node, parent);
            return null;
        }

        var retry = new RetrySpec();
        foreach (var (name, value) in obj)
        {
            var childPath = SpecPath.Child(path, name);
            switch (name)
            {
                case "attempts":
                    if (NodeReader.TryGetInt(value, out var attempts) && attempts >= 1)
                    {
                        retry = retry with { MaxAttempts = attempts };
                    }
                    else
                    {
                        Error(childPath, $"'attempts' must be a whole number of at least 1 (attempts in all, the first included), not {Show(value)}.", value, obj);
                    }

                    break;
                case "delay":
                    if (Number(value, childPath, obj, 0, "seconds, at least 0") is { } delay)
                    {
                        retry = retry with { DelaySeconds = delay };
                    }

                    break;
                case "factor":
                    if (Number(value, childPath, obj, 1, "at least 1") is { } factor)
                    {
                        retry = retry with { Factor = factor };
                    }

                    break;
                case "max_delay":
                    if (Number(value, childPath, obj, 0, "seconds, at least 0") is { } maxDelay)
                    {
                        retry = retry with { MaxDelaySeconds = maxDelay };
                    }

                    break;
                default:
                    Unknown(name, childPath, RetryFields, value, obj);
                    break;
            }
        }

        return retry;
    }

    private double? ReadTimeout(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (!NodeReader.TryGetDouble(node, out var seconds) || seconds <= 0)
        {
            Error(path, $"'timeout' must be a number of seconds greater than 0, not {Show(node)}.", node, parent);
            return null;
        }

        return seconds;
    }

    private double? Number(JsonNode? node, string path, JsonNode parent, double min, string expected)
    {
        if (NodeReader.TryGetDouble(node, out var value) && value >= min)
        {
            return value;
        }

        Error(path, $"'{path[(path.LastIndexOf('.') + 1)..]}' must be a number ({expected}), not {Show(node)}.", node, parent);
        return null;
    }

    private string? OptionalString(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (NodeReader.TryGetString(node, out var value))
        {
            return value;
        }

        Error(path, $"'{path}' must be a string, not {NodeReader.Describe(node)}.{QuoteHint(node)}", node);
        return null;
    }

    private JsonObject? OptionalObject(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonObject obj)
        {
            return (JsonObject)obj.DeepClone();
        }

        Error(path, $"'{path[(path.LastIndexOf('.') + 1)..]}' must be an object of named values, not {NodeReader.Describe(node)}.", node, parent);
        return null;
    }

    private bool CheckTaskType(string type, string path, JsonNode node)
    {
        if (catalog is null || catalog.TryGet(type, out _))
        {
            return true;
        }

        typeNames ??= [.. catalog.All.Select(t => t.Name)];
        Error(path, $"Task type '{type}' is not registered.{Suggestions.DidYouMean(type, typeNames)} Run `flowmachine tasks` to see the catalogue.", node);
        return false;
    }

    private bool CheckKey(string key, string path, JsonNode node)
    {
        if (key.Length == 0)
        {
            Error(path, "'key' must not be empty.", node);
            return false;
        }

        if (key == RootKey)
        {
            Error(path, "'ROOT' is reserved (it names the start of the flow in precursors); choose another key.", node);
            return false;
        }

        // Keys appear in $tasks.KEY.result paths, so they are limited to characters that read well there.
        var bad = key.FirstOrDefault(c => !(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '#'));
        if (bad != default || key.Contains('\0', StringComparison.Ordinal))
        {
            Error(path, $"Key '{Clip(key)}' contains '{(char.IsControl(bad) ? $"U+{(int)bad:X4}" : bad.ToString())}': keys may use only letters, digits and _ - . #.", node);
            return false;
        }

        return true;
    }

    private void Unknown(string name, string path, string[] known, JsonNode? value, JsonNode parent) =>
        Error(path, $"Unknown field '{Clip(name)}'.{Suggestions.DidYouMean(name, known)} Expected one of: {string.Join(", ", known)}.", value, parent);

    private void Error(string path, string message, JsonNode? at, JsonNode? fallback = null) =>
        errors.Add(new SpecError(path, message, LineOf(at) ?? LineOf(fallback)));

    private int? LineOf(JsonNode? node) => node is not null && lines is not null && lines.TryGetValue(node, out var line) ? line : null;

    private static string Show(JsonNode? node) =>
        NodeReader.Kind(node) is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? node!.ToJsonString() : NodeReader.Describe(node);

    /// <summary>YAML reads a plain <c>1</c> or <c>yes</c>-like word as a number or boolean; say how to make it text.</summary>
    private static string QuoteHint(JsonNode? node) =>
        NodeReader.Kind(node) is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? $" Quote it to make it text: \"{node!.ToJsonString()}\"."
            : "";

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
