using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Diagnostics;
using FlowMachine.Interpolation;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Flow control: concurrency slots and rate tokens, taken from the store as steps start.
public sealed partial class FlowEngine
{
    private static readonly LimitRule[][] NoLimits = [];
    private static readonly List<LimitSlot> NoSlots = [];
    private readonly ConditionalWeakTable<FlowPlan, LimitRule[][]> limitRules = [];

    // Flows whose steps hold slots here: the lease heartbeat renews their slots.
    private readonly ConcurrentDictionary<string, byte> slotHolders = new(StringComparer.Ordinal);

    /// <summary>The ledger for a run of <paramref name="plan"/>, or null when none of its steps has a limit (no store round trip then).</summary>
    private LimitLedger? LedgerFor(FlowPlan plan)
    {
        var rules = limitRules.GetValue(plan, BuildRules);
        return ReferenceEquals(rules, NoLimits) ? null : new LimitLedger(rules);
    }

    private LimitRule[][] BuildRules(FlowPlan plan)
    {
        var all = new LimitRule[plan.Steps.Length][];
        var any = false;
        for (var i = 0; i < all.Length; i++)
        {
            var step = plan.Steps[i];
            var list = new List<LimitRule>();
            if ((step.Concurrency ?? plan.Spec.Cfg.Concurrency) is { } c)
            {
                list.Add(new LimitRule(c.Key, null, c.Limit, null));
            }

            if ((step.Rate ?? plan.Spec.Cfg.Rate) is { } r)
            {
                list.Add(new LimitRule(r.Key, null, r.Limit, TimeSpan.FromSeconds(r.PerSeconds)));
            }

            var type = Options.TaskLimits.TryGetValue(step.TaskType, out var set) ? set
                : Catalog.TryGet(step.TaskType, out var info) ? new TaskLimits { MaxConcurrency = info.MaxConcurrency, RateLimit = info.RateLimit, RatePeriod = TimeSpan.FromSeconds(info.RatePeriodSeconds > 0 ? info.RatePeriodSeconds : 1) }
                : null;
            if (type is { MaxConcurrency: > 0 })
            {
                list.Add(new LimitRule(null, "type:" + step.TaskType, type.MaxConcurrency, null));
            }

            if (type is { RateLimit: > 0 })
            {
                list.Add(new LimitRule(null, "type:" + step.TaskType, type.RateLimit, type.RatePeriod));
            }

            any |= list.Count > 0;
            all[i] = [.. list];
        }

        return any ? all : NoLimits;
    }

    /// <summary>
    /// The slots and tokens the steps about to start must take (their buckets read now, so the run may change
    /// afterwards); null when none has a limit. A step whose limit key cannot be read fails instead of running.
    /// </summary>
    private static List<LimitAsking>? AsksFor(FlowRun run, LimitLedger ledger, List<(int Index, int Attempt)> starts)
    {
        List<LimitAsking>? asks = null;
        foreach (var (index, attempt) in starts)
        {
            var rules = ledger.Rules[index];
            if (rules.Length == 0)
            {
                continue;
            }

            var limits = new List<(LimitRule, string)>(rules.Length);
            try
            {
                for (var r = 0; r < rules.Length; r++)
                {
                    limits.Add((rules[r], ledger.Bucket(index, r) ?? ledger.KeepBucket(index, r, BucketOf(run, index, rules[r]))));
                }
            }
            catch (InterpolationException ex)
            {
                ledger.KeyError(index, ex.Message); // the step fails instead of running, naming the path
                continue;
            }

            (asks ??= []).Add(new LimitAsking(index, attempt, run.Plan.Steps[index].Key, limits));
        }

        return asks;
    }

    /// <summary>
    /// The transition that takes <paramref name="asks"/> in its own transaction, when the store does that
    /// (<see cref="IFlowLimitStore.TakesLimitsInCommit"/>): one write a step instead of two.
    /// </summary>
    private FlowTransition WithTakes(FlowTransition transition, List<LimitAsking> asks, DateTimeOffset now)
    {
        var takes = new LimitTake[asks.Count];
        for (var i = 0; i < takes.Length; i++)
        {
            var limits = asks[i].Limits;
            var list = new LimitAsk[limits.Count];
            for (var r = 0; r < list.Length; r++)
            {
                list[r] = new LimitAsk(limits[r].Bucket, limits[r].Rule.Limit, limits[r].Rule.Per);
            }

            takes[i] = new LimitTake(asks[i].StepKey, list);
        }

        return transition with { LimitTakes = takes, SlotsExpireAt = now + Options.LeaseDuration };
    }

    /// <summary>What the commit that took <paramref name="asks"/> answered, as the engine's outcomes.</summary>
    private List<GateOutcome> Taken(string flowId, List<LimitAsking> asks, IReadOnlyList<LimitTaken> answers, DateTimeOffset now)
    {
        var outcomes = new List<GateOutcome>(asks.Count);
        for (var i = 0; i < asks.Count; i++)
        {
            var (index, attempt, stepKey, limits) = asks[i];
            var granted = answers[i].Granted;
            List<LimitSlot>? slots = null;
            for (var r = 0; r < granted; r++)
            {
                if (!limits[r].Rule.IsRate)
                {
                    if (!slotHolders.ContainsKey(flowId))
                    {
                        slotHolders.TryAdd(flowId, 0); // looked up first: most steps of a run find their flow there
                    }

                    (slots ??= new List<LimitSlot>(limits.Count)).Add(new LimitSlot(limits[r].Bucket, stepKey));
                }
            }

            var taken = slots ?? NoSlots; // a step with rate limits only holds no slot: nothing to allocate

            outcomes.Add(granted == limits.Count ? new GateOutcome(index, attempt, taken, null, now, false)
                : limits[granted].Rule.Per is { } per ? TokenRefused(index, attempt, taken, limits[granted], per, answers[i].TokenBack ?? now)
                : SlotRefused(index, attempt, taken, limits[granted], now));
        }

        return outcomes;
    }

    /// <summary>Takes the slots and tokens with their own store calls, while the commit that starts the steps is written.</summary>
    private async Task<List<GateOutcome>> TakeAsync(string flowId, List<LimitAsking> asks, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcomes = new List<GateOutcome>(asks.Count);
        foreach (var (index, attempt, stepKey, limits) in asks)
        {
            var taken = new List<LimitSlot>();
            GateOutcome? refused = null;
            foreach (var limit in limits)
            {
                var (rule, bucket) = limit;
                if (rule.Per is { } per)
                {
                    if (await Store.TakeTokenAsync(bucket, rule.Limit, per, now, cancellationToken).ConfigureAwait(false) is { } next)
                    {
                        refused = TokenRefused(index, attempt, taken, limit, per, next);
                        break;
                    }
                }
                else
                {
                    var request = new SlotRequest(bucket, rule.Limit, flowId, stepKey, Owner, now, now + Options.LeaseDuration);
                    if (!await Store.AcquireSlotAsync(request, cancellationToken).ConfigureAwait(false))
                    {
                        refused = SlotRefused(index, attempt, taken, limit, now);
                        break;
                    }

                    slotHolders.TryAdd(flowId, 0);
                    taken.Add(new LimitSlot(bucket, stepKey));
                }
            }

            outcomes.Add(refused ?? new GateOutcome(index, attempt, taken, null, now, false));
        }

        return outcomes;
    }

    private static GateOutcome TokenRefused(int index, int attempt, List<LimitSlot> taken, (LimitRule Rule, string Bucket) limit, TimeSpan per, DateTimeOffset next) =>
        new(index, attempt, taken, $"waiting for a rate token: key '{limit.Bucket}', {limit.Rule.Limit.ToString(CultureInfo.InvariantCulture)} per {Durations.Format(per)}", next, false);

    private GateOutcome SlotRefused(int index, int attempt, List<LimitSlot> taken, (LimitRule Rule, string Bucket) limit, DateTimeOffset now) =>
        new(index, attempt, taken, $"{FlowRun.SlotWaitPrefix}: key '{limit.Bucket}', limit {limit.Rule.Limit.ToString(CultureInfo.InvariantCulture)}", now + Options.SlotWaitFallback, true);

    /// <summary>
    /// After the commit that started the steps: a step refused a slot or a token goes back to wait (deferred, with
    /// its reason, committed with the next round) and leaves <paramref name="starts"/>; its flow holds no worker then.
    /// </summary>
    /// <returns>True when a step went back to wait (the next round commits that).</returns>
    private static bool ApplyGate(FlowRun run, LimitLedger ledger, List<GateOutcome> outcomes, List<(int Index, int Attempt)> starts, DateTimeOffset now)
    {
        var held = false;
        foreach (var outcome in outcomes)
        {
            if (outcome.Reason is null)
            {
                if (outcome.Taken.Count > 0)
                {
                    ledger.Hold(outcome.Index, outcome.Taken);
                }

                continue;
            }

            ledger.Release(outcome.Taken);
            FlowMachineDiagnostics.LimitWaited(outcome.SlotRefused);
            if (outcome.SlotRefused)
            {
                ledger.Refused();
            }

            run.Defer(outcome.Index, now, outcome.Until, outcome.Reason);
            starts.Remove((outcome.Index, outcome.Attempt));
            held = true;
        }

        return held;
    }

    private static string BucketOf(FlowRun run, int index, LimitRule rule)
    {
        if (rule.KeyPath is not { } path)
        {
            return rule.Bucket ?? $"step:{run.Flow.Routine ?? run.Plan.Spec.Label ?? "inline"}/{run.Plan.Steps[index].Key}";
        }

        var scope = new InterpolationScope(run.Flow.Input, run.Flow.Data, run.Results);
        var value = ContextPath.Lookup(path[1..], scope, $"{run.Plan.Steps[index].Key}.{(rule.IsRate ? "rate" : "concurrency")}.key", path);
        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "null";
        return LimitKeys.NameOf(path) + ":" + text;
    }

    private async Task RenewSlotsAsync(DateTimeOffset expiresAt)
    {
        if (!slotHolders.IsEmpty)
        {
            await Store.RenewSlotsAsync(Owner, [.. slotHolders.Keys], expiresAt, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
