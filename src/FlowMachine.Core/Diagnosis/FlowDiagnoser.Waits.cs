using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Diagnosis;

// Steps held back by a limit, and steps that wait for input, an event, a timer or child flows.
public sealed partial class FlowDiagnoser
{
    private async Task<(string Kind, string Summary, DiagnosisFacts Facts)> HeldBackAsync(StepRecord step, DateTimeOffset now, CancellationToken ct)
    {
        var reason = step.WaitReason!;
        var match = LimitReason().Match(reason);
        var key = match.Success ? match.Groups["key"].Value : null;
        var facts = new DiagnosisFacts { StepKey = step.Key, WaitReason = reason, LimitKey = key, DueAt = step.NotBefore };
        if (!reason.StartsWith(FlowRun.SlotWaitPrefix, StringComparison.Ordinal))
        {
            return (DiagnosisKinds.RateToken,
                $"Step {step.Key} waits for a rate token of key '{key}' ({match.Groups["rest"].Value}): the next token comes back at {DiagnosisText.Time(step.NotBefore)} and the step starts then, by itself.",
                facts);
        }

        var holders = key is null ? [] : await store.ListSlotHoldersAsync(key, now, ct).ConfigureAwait(false);
        var held = holders.Count == 0
            ? "no step holds one now, so it starts at its next ask"
            : "held by " + DiagnosisText.And([.. holders.Select(h => $"step {h.StepKey} of flow {h.FlowId}" + (h.Owner is null ? "" : $" (worker {h.Owner})"))]);
        return (DiagnosisKinds.ConcurrencySlot,
            $"Step {step.Key} waits for a concurrency slot of key '{key}' ({match.Groups["rest"].Value}), {held}: it starts by itself when a slot frees (it asks again by {DiagnosisText.Time(step.NotBefore)}).",
            facts with { Holders = [.. holders.Select(h => new DiagnosisHolder(h.FlowId, h.StepKey, h.Owner))] });
    }

    private async Task<(string Kind, string Summary, DiagnosisFacts Facts)> WaitingAsync(FlowView view, StepRecord step, CancellationToken ct)
    {
        var id = DiagnosisText.Word(view.Flow.Id);
        var facts = new DiagnosisFacts { StepKey = step.Key, WaitReason = step.WaitReason, Since = step.StartedAt };
        if (step.Spawn?["children"] is JsonArray children)
        {
            var ids = children.Select(c => c!.GetValue<string>()).ToList();
            var states = await store.GetFlowStatesAsync(ids, ct).ConfigureAwait(false);
            var done = step.Spawn["done"] as JsonArray;
            var open = ids.Select((c, i) => (Id: c, State: states.TryGetValue(c, out var s) ? s.ToName() : null, Done: done?[i]?.GetValue<bool>() == true))
                .Where(c => !c.Done).ToList();
            var list = DiagnosisText.And([.. open.Take(5).Select(c => $"{c.Id} ({c.State ?? "gone"})")]) + (open.Count > 5 ? $" and {open.Count - 5} more" : "");
            return (DiagnosisKinds.Children,
                $"Step {step.Key} waits for {DiagnosisText.Count(open.Count, "child flow", "child flows")} to finish: {list}; ask `flowmachine flows why` about a child to see what holds it.",
                facts with { Children = [.. open.Select(c => new DiagnosisChild(c.Id, c.State))] });
        }

        if (step.WaitEvent is not null && (await store.GetKeyedWaitsAsync(view.Flow.Id, ct).ConfigureAwait(false))
                .FirstOrDefault(w => w.StepKey == step.Key) is { } keyed)
        {
            var raise = $"flowmachine events raise {DiagnosisText.Word(keyed.EventName)} --key {DiagnosisText.Word(keyed.Key)}";
            var timer = step.WaitUntil is { } until ? $" or its timer at {DiagnosisText.Time(until)}" : "";
            return (DiagnosisKinds.Event,
                $"Step {step.Key} waits for event {keyed.EventName} with key {keyed.Key}{timer} since {DiagnosisText.Time(step.StartedAt)}: raise it for that key ({raise}).",
                facts with { Event = keyed.EventName, EventKey = keyed.Key, DueAt = step.WaitUntil, Commands = [raise] });
        }

        if (step.WaitEvent is { } name)
        {
            var others = (await store.GetPendingEventsAsync(view.Flow.Id, ct).ConfigureAwait(false))
                .Where(e => e.Name != name).Select(e => new DiagnosisEvent(e.Name, e.At)).ToList();
            var came = others.Count == 0
                ? "no event of another name came either"
                : "events came with other names: " + DiagnosisText.And([.. others.Select(e => e.Name).Distinct(StringComparer.Ordinal)]);
            var command = $"flowmachine flows event {id} {DiagnosisText.Word(name)}";
            var timer = step.WaitUntil is { } until ? $" or its timer at {DiagnosisText.Time(until)}" : "";
            return (DiagnosisKinds.Event,
                $"Step {step.Key} waits for event {name}{timer} since {DiagnosisText.Time(step.StartedAt)} ({came}): raise it ({command}).",
                facts with { Event = name, OtherEvents = others.Count == 0 ? null : others, DueAt = step.WaitUntil, Commands = [command] });
        }

        if (step.WaitUntil is { } at)
        {
            return (DiagnosisKinds.Timer,
                $"Step {step.Key} waits for its timer: it resumes by itself at {DiagnosisText.Time(at)} (or earlier with a push: flowmachine flows push {id} VALUE).",
                facts with { DueAt = at });
        }

        var push = $"flowmachine flows push {id} VALUE";
        var submit = $"flowmachine flows submit {id}";
        return (DiagnosisKinds.Input,
            $"Step {step.Key} waits for input since {DiagnosisText.Time(step.StartedAt)} ({step.WaitReason ?? "no reason given"}): push a value ({push}) or resubmit it to run its check again ({submit}).",
            facts with { Commands = [push, submit] });
    }

    [GeneratedRegex("^waiting for a (?:concurrency slot|rate token): key '(?<key>.*)', (?<rest>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LimitReason();
}
