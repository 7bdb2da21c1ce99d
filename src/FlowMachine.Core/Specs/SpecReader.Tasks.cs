using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

// The tasks list: bare and full tasks, keys, precursors (resolved and checked for cycles).
internal sealed partial class SpecReader
{
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
            ScheduleToStartSeconds = d.ScheduleToStart,
            HeartbeatTimeoutSeconds = d.HeartbeatTimeout,
            Queue = d.Queue,
            Concurrency = d.Concurrency,
            Rate = d.Rate,
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
                case "schedule_to_start":
                    draft.ScheduleToStart = ReadScheduleToStart(value, childPath, obj);
                    break;
                case "heartbeat_timeout":
                    draft.HeartbeatTimeout = ReadHeartbeatTimeout(value, childPath, obj);
                    break;
                case "queue":
                    draft.Queue = ReadQueue(value, childPath, obj);
                    break;
                case "concurrency":
                    draft.Concurrency = ReadConcurrency(value, childPath, obj);
                    break;
                case "rate":
                    draft.Rate = ReadRate(value, childPath, obj);
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
}
