using FlowMachine.Storage;

namespace FlowMachine.Sqlite;

/// <summary>
/// The flow control part of a commit, in its transaction: the slots it frees, a refusal to recheck, a flow that ends,
/// then the slots and tokens of the steps it starts. Holds what the takes need, so that they run through static
/// callbacks; a commit without limits allocates nothing here.
/// </summary>
internal sealed class SqliteLimitCommit
{
    private readonly SqliteCommandCache db;
    private readonly string flowId;
    private readonly DateTimeOffset at;
    private bool woke;

    private SqliteLimitCommit(SqliteCommandCache db, string flowId, DateTimeOffset at)
    {
        this.db = db;
        this.flowId = flowId;
        this.at = at;
    }

    /// <summary>Applies the limits of <paramref name="t"/>; <paramref name="woke"/>: a waiting flow was made due.</summary>
    /// <returns>The answers to <see cref="FlowTransition.LimitTakes"/>, or null when there are none.</returns>
    public static LimitTaken[]? Apply(SqliteCommandCache db, FlowTransition t, out bool woke)
    {
        woke = false;
        if (t.ReleasedSlots.Count == 0 && !t.WaitsForSlot && !t.EndsLimits && t.LimitTakes.Count == 0)
        {
            return null;
        }

        var flowId = t.Flow.Id;
        var at = t.Flow.UpdatedAt;

        // A slot freed here that a step started here asks for (same key) is handed over to it below instead. A flow
        // that ends frees all its slots (End): its released ones are not deleted one by one first.
        var (handOvers, released) = LimitTakes.HandOvers(t);
        woke = released.Count > 0 && !t.EndsLimits && SqliteLimits.Release(db, flowId, released, at);

        if (t.WaitsForSlot)
        {
            woke |= SqliteLimits.Recheck(db, flowId, at);
        }

        if (t.EndsLimits)
        {
            woke |= SqliteLimits.End(db, flowId, at);
        }

        if (t.LimitTakes.Count == 0)
        {
            return null;
        }

        // The slots and tokens of the steps this commit starts, after the freed ones: no write of their own.
        var commit = new SqliteLimitCommit(db, flowId, at);
        var taken = LimitTakes.Apply(
            commit,
            t,
            handOvers,
            static (c, r) => SqliteLimits.Acquire(c.db, r),
            static (c, r, freed) => c.HandOver(r, freed),
            static (c, unused) => c.Free(unused),
            static (c, ask, now) => SqliteLimits.TakeToken(c.db, ask, now));
        woke |= commit.woke;
        return taken;
    }

    private void Free(LimitSlot unused) => woke |= SqliteLimits.Release(db, flowId, [unused], at);

    private bool HandOver(SlotRequest request, LimitSlot freed)
    {
        var handed = SqliteLimits.HandOver(db, request, freed, out var freedWoke);
        woke |= freedWoke;
        return handed;
    }
}
