using System.Text.Json.Nodes;
using FlowMachine.Scheduling;

namespace FlowMachine.Specs;

// Flow control: the concurrency and rate blocks of a step or of cfg.
internal sealed partial class SpecReader
{
    private static readonly string[] ConcurrencyFields = ["key", "limit"];
    private static readonly string[] RateFields = ["limit", "per", "key"];

    private ConcurrencySpec? ReadConcurrency(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject obj)
        {
            Error(path, $"'concurrency' must be an object like {{key: \"$input.customer\", limit: 1}}, not {NodeReader.Describe(node)}.", node, parent);
            return null;
        }

        var spec = new ConcurrencySpec();
        var sawLimit = false;
        foreach (var (name, value) in obj)
        {
            var childPath = SpecPath.Child(path, name);
            switch (name)
            {
                case "key":
                    spec = spec with { Key = ReadLimitKey(value, childPath, obj) };
                    break;
                case "limit":
                    sawLimit = true;
                    spec = spec with { Limit = ReadLimit(value, childPath, obj, "steps that may run at once") };
                    break;
                default:
                    Unknown(name, childPath, ConcurrencyFields, value, obj);
                    break;
            }
        }

        if (!sawLimit)
        {
            Error(SpecPath.Child(path, "limit"), "'limit' is required: how many steps may run at once (a whole number of at least 1).", obj);
        }

        return spec;
    }

    private RateSpec? ReadRate(JsonNode? node, string path, JsonNode parent)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject obj)
        {
            Error(path, $"'rate' must be an object like {{limit: 100, per: 60s, key: \"$input.tenant\"}}, not {NodeReader.Describe(node)}.", node, parent);
            return null;
        }

        var spec = new RateSpec();
        var sawLimit = false;
        var sawPer = false;
        foreach (var (name, value) in obj)
        {
            var childPath = SpecPath.Child(path, name);
            switch (name)
            {
                case "limit":
                    sawLimit = true;
                    spec = spec with { Limit = ReadLimit(value, childPath, obj, "starts in each window of 'per'") };
                    break;
                case "per":
                    sawPer = true;
                    spec = spec with { PerSeconds = ReadPer(value, childPath, obj) };
                    break;
                case "key":
                    spec = spec with { Key = ReadLimitKey(value, childPath, obj) };
                    break;
                default:
                    Unknown(name, childPath, RateFields, value, obj);
                    break;
            }
        }

        if (!sawLimit)
        {
            Error(SpecPath.Child(path, "limit"), "'limit' is required: how many starts each window of 'per' allows (a whole number of at least 1).", obj);
        }

        if (!sawPer)
        {
            Error(SpecPath.Child(path, "per"), "'per' is required: the window, as a duration such as 1s, 60s or 1m.", obj);
        }

        return spec;
    }

    private int ReadLimit(JsonNode? value, string path, JsonNode parent, string meaning)
    {
        if (NodeReader.TryGetInt(value, out var limit) && limit >= 1)
        {
            return limit;
        }

        Error(path, $"'limit' must be a whole number of at least 1 ({meaning}), not {Show(value)}.", value, parent);
        return 1;
    }

    private double ReadPer(JsonNode? value, string path, JsonNode parent) =>
        ReadDuration(value, path, parent, "'per' must be a duration greater than 0 such as 1s, 60s or 1m") ?? 1;

    private double? ReadScheduleToStart(JsonNode? value, string path, JsonNode parent) =>
        value is null ? null : ReadDuration(value, path, parent, "'schedule_to_start' must be a duration greater than 0 such as 30s, 5m or 1h (or a number of seconds)");

    private double? ReadDeadline(JsonNode? value, string path, JsonNode parent) =>
        value is null ? null : ReadDuration(value, path, parent, "'deadline' must be a duration greater than 0 such as 30s, 5m or 2h (or a number of seconds)");

    private double? ReadHeartbeatTimeout(JsonNode? value, string path, JsonNode parent) =>
        value is null ? null : ReadDuration(value, path, parent, "'heartbeat_timeout' must be a duration greater than 0 such as 30s, 500ms or 5m (or a number of seconds)");

    /// <summary>A duration in seconds: a number is seconds (the stored form); text is a duration as people write it.</summary>
    private double? ReadDuration(JsonNode? value, string path, JsonNode parent, string expected)
    {
        if (NodeReader.TryGetDouble(value, out var seconds) && seconds > 0)
        {
            return seconds;
        }

        if (NodeReader.TryGetString(value, out var text) && Durations.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration.TotalSeconds;
        }

        Error(path, $"{expected}, not {ShowText(value)}.", value, parent);
        return null;
    }

    private string? ReadLimitKey(JsonNode? value, string path, JsonNode parent)
    {
        if (value is null)
        {
            return null;
        }

        if (NodeReader.TryGetString(value, out var key) && LimitKeys.IsPath(key))
        {
            return key;
        }

        Error(path, $"'key' must be a context path such as $input.customer, $data.tenant or $tasks.KEY.result.id, not {ShowText(value)}.", value, parent);
        return null;
    }

    private static string ShowText(JsonNode? value) => NodeReader.TryGetString(value, out var text) ? $"'{Clip(text)}'" : Show(value);
}
