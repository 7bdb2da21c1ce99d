using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The resume-token role (IResumeTokenStore).
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken) =>
        ReadAsync<(string, string)?>(db =>
        {
            var cmd = db.Get(RelationalSql.FindResumeToken);
            Add(cmd, "@token", token);
            using var r = cmd.ExecuteReader();
            return r.Read() ? (r.GetString(0), r.GetString(1)) : null;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);

        // One write transaction (the file's only writer): the read, the check and the take cannot interleave.
        return WriteAsync(db =>
        {
            var find = db.Get(RelationalSql.FindResumeToken);
            Add(find, "@token", token);
            string flowId, stepKey;
            DateTimeOffset? started;
            using (var r = find.ExecuteReader())
            {
                if (!r.Read())
                {
                    return ResumeTokenUse.NotFound;
                }

                (flowId, stepKey, started) = (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : Time(r.GetInt64(2)));
            }

            if (started is { } s && now - s >= lifetime)
            {
                return new ResumeTokenUse(ResumeTokenStatus.Expired, flowId, stepKey);
            }

            var used = db.Get("INSERT INTO used_resume_tokens (token, flow_id, step_key, used_at) VALUES (@token, @flow, @step, @at)");
            Add(used, "@token", token);
            Add(used, "@flow", flowId);
            Add(used, "@step", stepKey);
            Add(used, "@at", Ms(now));
            used.ExecuteNonQuery();
            var clear = db.Get("UPDATE steps SET resume_token = NULL WHERE flow_id = @flow AND key = @step AND resume_token = @token");
            Add(clear, "@flow", flowId);
            Add(clear, "@step", stepKey);
            Add(clear, "@token", token);
            clear.ExecuteNonQuery();
            return new ResumeTokenUse(ResumeTokenStatus.Consumed, flowId, stepKey);
        }, cancellationToken);
    }
}
