using System.Text.Json.Nodes;
using FlowMachine.Cli.Output;
using FlowMachine.Operations;
using FlowMachine.Scheduling;

namespace FlowMachine.Cli.Commands.Schedules;

/// <summary>What the schedule verbs print, and how a refusal becomes exit 1 with each field and its option named.</summary>
internal static class ScheduleOutput
{
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["name"] = "NAME",
        ["routine"] = "--routine",
        ["version"] = "--version",
        ["spec"] = "SPEC",
        ["input"] = "--input",
        ["cron"] = "--cron",
        ["every"] = "--every",
        ["timeZone"] = "--tz",
        ["overlap"] = "--overlap",
        ["from"] = "--from",
        ["to"] = "--to",
    };

    /// <summary>The schedule the verb left, or a <see cref="UsageException"/> saying why there is none.</summary>
    /// <exception cref="UsageException">The verb was refused.</exception>
    public static ScheduleDocument Check(ScheduleResult result, string name)
    {
        Refuse(result, name);
        return result.Schedule ?? throw new UsageException($"schedule '{name}' does not exist");
    }

    /// <exception cref="UsageException">The verb was refused.</exception>
    public static void Refuse(ScheduleResult result, string name)
    {
        if (result.Succeeded)
        {
            return;
        }

        throw new UsageException(result.Outcome switch
        {
            ScheduleOutcome.NotFound => $"schedule '{name}' does not exist; `flowmachine schedules list` shows the schedules",
            ScheduleOutcome.Busy => $"schedule '{name}' is held by a worker that is firing it; try again in a moment",
            ScheduleOutcome.Forbidden => $"only the owner of schedule '{name}' or an administrator may change it",
            _ => string.Join(Environment.NewLine + "error: ", result.Errors.Select(Field)),
        });
    }

    /// <summary>"cron (--cron): the minute field …": the field as the API names it, and the option that set it.</summary>
    private static string Field(Specs.SpecError error)
    {
        var root = error.Path.Split('.', '[')[0];
        return Options.TryGetValue(root, out var option) ? $"{error.Path} ({option}): {error.Message}" : $"{error.Path}: {error.Message}";
    }

    public static async Task WriteAsync(TextWriter writer, bool json, ScheduleDocument schedule, string line)
    {
        if (json)
        {
            await JsonOutput.WriteDocumentAsync(writer, schedule).ConfigureAwait(false);
        }
        else
        {
            await writer.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    /// <summary>"; next 2026-12-07T01:30:00Z", or nothing while paused or ended.</summary>
    public static string NextFire(ScheduleDocument schedule) =>
        schedule.Paused ? " (paused)" : schedule.NextFireTimes.Count > 0 ? $"; next {Time(schedule.NextFireTimes[0])}" : "; it fires no more";

    public static string Time(DateTimeOffset time) => ScheduleJson.TimeText(time);

    /// <summary>routine egg v2, routine egg (newest), or spec file.</summary>
    public static string Target(ScheduleDocument schedule) =>
        schedule.Routine is { } routine ? $"routine {routine}{(schedule.Version is { } v ? $" v{v}" : " (newest)")}" : "inline spec";

    /// <summary>What a trigger or backfill started, as <c>--json</c> prints it (the API's answer).</summary>
    public static JsonObject Started(ScheduleStarted start) => new()
    {
        ["schedule"] = start.Schedule,
        ["flowIds"] = new JsonArray([.. start.FlowIds.Select(id => (JsonNode?)JsonValue.Create(id))]),
        ["slots"] = new JsonArray([.. start.Slots.Select(s => (JsonNode?)JsonValue.Create(Time(s)))]),
        ["skipped"] = start.Skipped,
        ["alreadyStarted"] = start.AlreadyStarted,
    };
}
