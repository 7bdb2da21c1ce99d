using System.Globalization;
using FlowMachine.Storage;
using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>A commit batch's limit takes sent as the store sends them, behind the store's back.</summary>
internal static class TakeBatches
{
    /// <summary>
    /// The locks and takes of <paramref name="transitions"/> in one transaction, committed; returns each transition's
    /// request with its answers and the ordinals the set statements took (<c>flowmachine.took</c>, read before the commit).
    /// </summary>
    public static async Task<(CommitRequest[] Requests, string Took)> RunAsync(NpgsqlConnection connection, FlowTransition[] transitions)
    {
        var requests = transitions.Select(t => new CommitRequest(t, CancellationToken.None)).ToArray();
        var tx = await connection.BeginTransactionAsync();
        await using (tx)
        {
            var batch = new NpgsqlBatch(connection, tx);
            await using (batch)
            {
                batch.BatchCommands.Add(PostgresLimitTakes.Lock(transitions)!);
                var commands = new List<NpgsqlBatchCommand>();
                PostgresLimitTakes.AddTakes(commands, transitions, "ch");
                foreach (var command in commands)
                {
                    batch.BatchCommands.Add(command);
                }

                var reader = await batch.ExecuteReaderAsync();
                await using (reader)
                {
                    do
                    {
                        await PostgresLimitTakes.TryReadAsync(reader, n => requests[n - 1], CancellationToken.None);
                    }
                    while (await reader.NextResultAsync());
                }
            }

            var took = await PostgresSchemas.ReadRowsAsync(connection,
                "SELECT coalesce(array_agg(o ORDER BY o), '{}')::text FROM unnest(current_setting('flowmachine.took')::int[]) AS o", tx);
            await tx.CommitAsync();
            return (requests, took.Single());
        }
    }

    /// <summary>Each request's first take as "flow granted token-back" (a dash for no token time).</summary>
    public static IEnumerable<string> Answers(IEnumerable<CommitRequest> requests) => requests.Select(r => string.Create(CultureInfo.InvariantCulture,
        $"{r.Transition.Flow.Id} {r.Taken![0].Granted} {r.Taken[0].TokenBack?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "-"}"));
}
