using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FlowMachine.Postgres;

/// <summary>
/// The part of a commit that ends and begins keyed waits (<see cref="FlowTransition.EndedKeyedWaits"/>,
/// <see cref="FlowTransition.KeyedWaits"/>): one call of <c>keyed_waits_apply</c> for every transition of the batch,
/// sent before the flow rows so that its advisory locks come before any row lock (as in a raise).
/// </summary>
internal static class PostgresKeyedWaits
{
    private const string ApplySql =
        "SELECT keyed_waits_apply($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8)";

    /// <summary>The statement for the transitions' keyed waits, or null when none has any.</summary>
    public static NpgsqlBatchCommand? Apply(IReadOnlyList<FlowTransition> transitions)
    {
        List<string> flows = [], owners = [], steps = [], names = [], keys = [], endedFlows = [], endedSteps = [];
        long now = 0;
        foreach (var t in transitions)
        {
            foreach (var step in t.EndedKeyedWaits)
            {
                endedFlows.Add(t.Flow.Id);
                endedSteps.Add(step);
            }

            foreach (var wait in t.KeyedWaits)
            {
                flows.Add(t.Flow.Id);
                owners.Add(t.Flow.Owner!);
                steps.Add(wait.StepKey);
                names.Add(wait.EventName);
                keys.Add(wait.Key);
            }

            now = Math.Max(now, t.Flow.UpdatedAt.ToUnixTimeMilliseconds());
        }

        if (flows.Count == 0 && endedFlows.Count == 0)
        {
            return null;
        }

        var cmd = new NpgsqlBatchCommand(ApplySql);
        var p = cmd.Parameters;
        foreach (var list in new[] { flows, owners, steps, names, keys, endedFlows, endedSteps })
        {
            p.Add(CommitBatch.Array(NpgsqlDbType.Text, list.ToArray()));
        }

        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = now });
        return cmd;
    }
}
