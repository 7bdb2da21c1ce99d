using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// The slots and tokens the steps a commit starts take in the commit's transaction (<see cref="FlowTransition.LimitTakes"/>,
/// migration 26): the batch's per-key locks as its first statement, then one call of <c>limit_take_all</c> for every take
/// of the batch, after the slots the batch frees; one row per take answers it.
/// </summary>
internal static class PostgresLimitTakes
{
    /// <summary>The name of the column that says which transition of the batch (1-based) a take row answers.</summary>
    public const string TakeOfColumn = "limit_take_of";

    private const string LockSql = "SELECT limit_lock($1::text[])";

    private const string TakeSql =
        "SELECT * FROM limit_take_all($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], " +
        "$9::text[], $10::bigint[], $11::bigint[], $12)";

    /// <summary>
    /// The advisory locks of every key the transitions take from, the lock names of <c>limit_acquire</c> and
    /// <c>rate_take</c>; sent before any statement that locks a row. Null when none takes any.
    /// </summary>
    public static NpgsqlBatchCommand? Lock(IReadOnlyList<FlowTransition> transitions)
    {
        List<string>? names = null;
        foreach (var t in transitions)
        {
            foreach (var take in t.LimitTakes)
            {
                foreach (var ask in take.Asks)
                {
                    (names ??= []).Add((ask.Per is null ? ":slot:" : ":rate:") + ask.Key);
                }
            }
        }

        if (names is null)
        {
            return null;
        }

        var cmd = Command(LockSql);
        cmd.Parameters.Add(CommitBatch.Array(NpgsqlDbType.Text, names.ToArray()));
        return cmd;
    }

    /// <summary>
    /// Every take of the transitions as one statement, or null when none takes any. Takes go in the order of their
    /// commit's time, so that a token taken for a later round does not send an earlier one back to wait.
    /// </summary>
    public static NpgsqlBatchCommand? Take(IReadOnlyList<FlowTransition> transitions, string channel)
    {
        List<int>? order = null;
        for (var i = 0; i < transitions.Count; i++)
        {
            if (transitions[i].LimitTakes.Count > 0)
            {
                (order ??= []).Add(i);
            }
        }

        if (order is null)
        {
            return null;
        }

        order.Sort((a, b) => transitions[a].Flow.UpdatedAt.CompareTo(transitions[b].Flow.UpdatedAt) is var c and not 0 ? c : a.CompareTo(b));
        List<int> of = [], takes = [], limits = [];
        List<string> flows = [], steps = [], owners = [], keys = [];
        List<string?> from = [];
        List<long?> per = [];
        List<long> now = [], expires = [];
        foreach (var i in order)
        {
            var t = transitions[i];
            var (handOvers, _) = LimitTakes.HandOvers(t);
            for (var k = 0; k < t.LimitTakes.Count; k++)
            {
                var take = t.LimitTakes[k];
                for (var a = 0; a < take.Asks.Count; a++)
                {
                    var ask = take.Asks[a];
                    of.Add(i + 1);
                    takes.Add(k);
                    flows.Add(t.Flow.Id);
                    steps.Add(take.StepKey);
                    owners.Add(t.LeaseOwner);
                    keys.Add(ask.Key);
                    limits.Add(ask.Limit);
                    per.Add(ask.Per is { } p ? (long)p.TotalMilliseconds : null);
                    from.Add(handOvers?[k][a]?.StepKey);
                    now.Add(Ms(t.Flow.UpdatedAt));
                    expires.Add(Ms(t.SlotsExpireAt));
                }
            }
        }

        var cmd = Command(TakeSql);
        var ps = cmd.Parameters;
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, of.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, takes.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, flows.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, steps.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, owners.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, keys.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Integer, limits.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, per.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Text, from.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, now.ToArray()));
        ps.Add(CommitBatch.Array(NpgsqlDbType.Bigint, expires.ToArray()));
        ps.Add(P(Positional, channel));
        return cmd;
    }

    /// <summary>
    /// Reads the take rows at the reader's current result (when it holds them) into the requests they answer:
    /// <paramref name="requestOf"/> maps the row's 1-based transition number to its request.
    /// </summary>
    public static async ValueTask<bool> TryReadAsync(NpgsqlDataReader reader, Func<int, CommitRequest> requestOf, CancellationToken cancellationToken)
    {
        if (reader.FieldCount != 4 || reader.GetName(0) != TakeOfColumn)
        {
            return false;
        }

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var request = requestOf(reader.GetInt32(0));
            var taken = request.Taken ??= new LimitTaken[request.Transition.LimitTakes.Count];
            taken[reader.GetInt32(1)] = new LimitTaken(reader.GetInt32(2), reader.IsDBNull(3) ? null : Time(reader.GetInt64(3)));
        }

        return true;
    }
}
