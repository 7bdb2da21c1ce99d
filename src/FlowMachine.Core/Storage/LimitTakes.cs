namespace FlowMachine.Storage;

/// <summary>Runs the <see cref="FlowTransition.LimitTakes"/> of a commit on a store's own slot and token decisions.</summary>
internal static class LimitTakes
{
    /// <summary>
    /// Takes each step's asks in order, through <paramref name="slot"/> (true: taken) and <paramref name="token"/>
    /// (null: taken, else when the next comes back); a refusal ends that step's take.
    /// </summary>
    public static LimitTaken[] Apply<TStore>(
        TStore store, FlowTransition t, Func<TStore, SlotRequest, bool> slot, Func<TStore, LimitAsk, DateTimeOffset, DateTimeOffset?> token)
    {
        var now = t.Flow.UpdatedAt;
        var results = new LimitTaken[t.LimitTakes.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var take = t.LimitTakes[i];
            var granted = 0;
            DateTimeOffset? back = null;
            foreach (var ask in take.Asks)
            {
                if (ask.Per is not null)
                {
                    if ((back = token(store, ask, now)) is not null)
                    {
                        break;
                    }
                }
                else if (!slot(store, new SlotRequest(ask.Key, ask.Limit, t.Flow.Id, take.StepKey, t.LeaseOwner, now, t.SlotsExpireAt)))
                {
                    break;
                }

                granted++;
            }

            results[i] = new LimitTaken(granted, back);
        }

        return results;
    }
}
