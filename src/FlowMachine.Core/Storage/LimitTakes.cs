namespace FlowMachine.Storage;

/// <summary>Runs the <see cref="FlowTransition.LimitTakes"/> of a commit on a store's own slot and token decisions.</summary>
internal static class LimitTakes
{
    /// <summary>
    /// Takes each step's asks in order, through <paramref name="slot"/> (true: taken) and <paramref name="token"/>
    /// (null: taken, else when the next comes back); a refusal ends that step's take.
    /// </summary>
    public static LimitTaken[] Apply<TStore>(
        TStore store, FlowTransition t, Func<TStore, SlotRequest, bool> slot, Func<TStore, LimitAsk, DateTimeOffset, DateTimeOffset?> token) =>
        Apply(store, t, null, slot, null, null, token);

    /// <summary>
    /// As <see cref="Apply{TStore}(TStore, FlowTransition, Func{TStore, SlotRequest, bool}, Func{TStore, LimitAsk, DateTimeOffset, DateTimeOffset?})"/>;
    /// a slot ask paired in <paramref name="from"/> with a slot the commit frees goes through <paramref name="handOver"/>
    /// (which takes that slot over for the new step, or frees it and asks as any other); a paired slot whose ask is
    /// not reached (an ask before it was refused) goes to <paramref name="free"/>.
    /// </summary>
    public static LimitTaken[] Apply<TStore>(
        TStore store, FlowTransition t, LimitSlot?[][]? from, Func<TStore, SlotRequest, bool> slot, Func<TStore, SlotRequest, LimitSlot, bool>? handOver,
        Action<TStore, LimitSlot>? free, Func<TStore, LimitAsk, DateTimeOffset, DateTimeOffset?> token)
    {
        var now = t.Flow.UpdatedAt;
        var results = new LimitTaken[t.LimitTakes.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var take = t.LimitTakes[i];
            var granted = 0;
            DateTimeOffset? back = null;
            for (var a = 0; a < take.Asks.Count; a++)
            {
                var ask = take.Asks[a];
                if (ask.Per is not null)
                {
                    if ((back = token(store, ask, now)) is not null)
                    {
                        break;
                    }
                }
                else
                {
                    var request = new SlotRequest(ask.Key, ask.Limit, t.Flow.Id, take.StepKey, t.LeaseOwner, now, t.SlotsExpireAt);
                    if (!(from?[i][a] is { } freed ? handOver!(store, request, freed) : slot(store, request)))
                    {
                        break;
                    }
                }

                granted++;
            }

            for (var a = granted + 1; from is not null && a < take.Asks.Count; a++)
            {
                if (from[i][a] is { } unused)
                {
                    free!(store, unused);
                }
            }

            results[i] = new LimitTaken(granted, back);
        }

        return results;
    }

    /// <summary>
    /// Pairs each slot <paramref name="t"/> frees with the first slot ask of the same key among its takes (a flow's next
    /// step takes the slot its last one frees): <c>From[take][ask]</c> is the freed slot, and <c>Released</c> the slots
    /// freed as usual. Null pairs when none matches.
    /// </summary>
    public static (LimitSlot?[][]? From, IReadOnlyList<LimitSlot> Released) HandOvers(FlowTransition t)
    {
        if (t.ReleasedSlots.Count == 0 || t.LimitTakes.Count == 0)
        {
            return (null, t.ReleasedSlots);
        }

        LimitSlot?[][]? from = null;
        List<LimitSlot>? rest = null;
        for (var r = 0; r < t.ReleasedSlots.Count; r++)
        {
            var freed = t.ReleasedSlots[r];
            var paired = false;
            for (var i = 0; i < t.LimitTakes.Count && !paired; i++)
            {
                var asks = t.LimitTakes[i].Asks;
                for (var a = 0; a < asks.Count; a++)
                {
                    if (asks[a].Per is null && string.Equals(asks[a].Key, freed.Key, StringComparison.Ordinal) && from?[i][a] is null)
                    {
                        from ??= [.. t.LimitTakes.Select(x => new LimitSlot?[x.Asks.Count])];
                        from[i][a] = freed;
                        paired = true;
                        break;
                    }
                }
            }

            if (!paired)
            {
                (rest ??= []).Add(freed);
            }
        }

        return (from, rest ?? (IReadOnlyList<LimitSlot>)[]);
    }
}
