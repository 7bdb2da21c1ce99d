using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The resume-token role (IResumeTokenStore).
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hits = await QueryAsync(RelationalSql.FindResumeToken, p => p.Add(P("token", token)), r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return hits.Count == 0 ? null : hits[0];
    }

    /// <inheritdoc/>
    public ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);

            // FOR UPDATE: a concurrent taker waits here, then re-reads the row and finds the token gone.
            var hits = await QueryAsync(connection, tx, RelationalSql.FindResumeToken + " FOR UPDATE", p => p.Add(P("token", token)),
                r => (FlowId: r.GetString(0), StepKey: r.GetString(1), StartedAt: r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ct).ConfigureAwait(false);
            if (hits.Count == 0)
            {
                return ResumeTokenUse.NotFound;
            }

            var (flowId, stepKey, started) = hits[0];
            if (started is { } ms && now - Time(ms) >= lifetime)
            {
                return new ResumeTokenUse(ResumeTokenStatus.Expired, flowId, stepKey);
            }

            // The primary key is the last word: only one transaction ever inserts the token.
            List<NpgsqlBatchCommand> take =
            [
                TokenCommand("INSERT INTO used_resume_tokens (token, flow_id, step_key, used_at) VALUES (@token, @flow, @step, @at) ON CONFLICT (token) DO NOTHING", token, flowId, stepKey, now),
                TokenCommand("UPDATE steps SET resume_token = NULL WHERE flow_id = @flow AND key = @step AND resume_token = @token", token, flowId, stepKey, now),
            ];
            var counts = await ExecuteBatchAsync(connection, tx, take, ct).ConfigureAwait(false);
            if (counts[0] != 1)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return ResumeTokenUse.NotFound;
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new ResumeTokenUse(ResumeTokenStatus.Consumed, flowId, stepKey);
        }, cancellationToken);
    }

    private static NpgsqlBatchCommand TokenCommand(string sql, string token, string flowId, string stepKey, DateTimeOffset at)
    {
        var cmd = Command(sql);
        cmd.Parameters.Add(P("token", token));
        cmd.Parameters.Add(P("flow", flowId));
        cmd.Parameters.Add(P("step", stepKey));
        cmd.Parameters.Add(P("at", Ms(at)));
        return cmd;
    }
}
