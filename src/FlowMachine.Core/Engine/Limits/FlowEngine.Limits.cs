using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Interpolation;
using FlowMachine.Scheduling;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Flow control: concurrency slots and rate tokens, taken from the store as steps start.
public sealed partial class FlowEngine
{
    private static readonly LimitRule[][] NoLimits = [];
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
    /// Takes the slots and tokens of the steps about to start. A step refused one goes back to wait (deferred, with
    /// its reason) and leaves <paramref name="starts"/>; its flow then holds no worker while it waits.
    /// </summary>
    private async ValueTask GateAsync(FlowRun run, LimitLedger ledger, List<(int Index, int Attempt)> starts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<(int Index, int Attempt)>? refused = null;
        foreach (var (index, attempt) in starts)
        {
            var rules = ledger.Rules[index];
            if (rules.Length == 0)
            {
                continue;
            }

            var taken = new List<LimitSlot>();
            string? reason = null;
            var until = now;
            foreach (var rule in rules)
            {
                string bucket;
                try
                {
                    bucket = BucketOf(run, index, rule);
                }
                catch (InterpolationException ex)
                {
                    ledger.KeyError(index, ex.Message);
                    break;
                }

                if (rule.Per is { } per)
                {
                    if (await Store.TakeTokenAsync(bucket, rule.Limit, per, now, cancellationToken).ConfigureAwait(false) is { } next)
                    {
                        reason = $"waiting for a rate token: key '{bucket}', {rule.Limit.ToString(CultureInfo.InvariantCulture)} per {Durations.Format(per)}";
                        until = next;
                        break;
                    }
                }
                else
                {
                    var request = new SlotRequest(bucket, rule.Limit, run.Flow.Id, run.Plan.Steps[index].Key, Owner, now, now + Options.LeaseDuration);
                    if (!await Store.AcquireSlotAsync(request, cancellationToken).ConfigureAwait(false))
                    {
                        reason = $"{FlowRun.SlotWaitPrefix}: key '{bucket}', limit {rule.Limit.ToString(CultureInfo.InvariantCulture)}";
                        until = now + Options.SlotWaitFallback;
                        ledger.Refused();
                        break;
                    }

                    slotHolders.TryAdd(run.Flow.Id, 0);
                    taken.Add(new LimitSlot(bucket, request.StepKey));
                }
            }

            if (reason is null)
            {
                if (taken.Count > 0)
                {
                    ledger.Hold(index, taken);
                }

                continue;
            }

            ledger.Release(taken);
            run.Defer(index, until, reason);
            (refused ??= []).Add((index, attempt));
        }

        if (refused is not null)
        {
            starts.RemoveAll(refused.Contains);
        }
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
