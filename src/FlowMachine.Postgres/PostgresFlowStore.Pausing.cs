using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The pause role (IPauseStore). Held flows are out of flows_due: claims and the next-due read skip them by index.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public ValueTask<HoldResult> SetFlowSuspendedAsync(string flowId, bool suspended, string? actor, DateTimeOffset now, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, tx, ct) =>
        {
            // FOR UPDATE: a resume and a suspend of the same flow take turns, each reading what the other wrote.
            var rows = await QueryAsync(connection, tx, PauseSql.FlowHold + " FOR UPDATE", p => p.Add(P("id", flowId)), r => (State: r.GetString(0), Hold: (long)r.GetInt32(1)), ct).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return new HoldResult(HoldStatus.NotFound);
            }

            if (PauseSql.Check(rows[0].State, rows[0].Hold, suspended) is { } answer)
            {
                return answer;
            }

            var change = Command(suspended ? PauseSql.Suspend : PauseSql.Unsuspend);
            change.Parameters.Add(P("id", flowId));
            List<NpgsqlBatchCommand> commands =
                [change, EnqueueCommand(flowId, suspended ? FlowCommand.Suspend : FlowCommand.Resume, null, null, actor, now), Notify(channel, onlyIfDueFlowId: flowId)];
            await ExecuteBatchAsync(connection, tx, commands, ct).ConfigureAwait(false);
            return new HoldResult(HoldStatus.Changed, PauseSql.State(rows[0].State));
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<HoldResult> SetRoutinePausedAsync(string name, bool paused, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return InTransactionAsync(async (connection, tx, ct) =>
        {
            var exists = await QueryAsync(connection, tx, PauseSql.RoutineExists, p => p.Add(P("name", name)), _ => true, ct).ConfigureAwait(false);
            if (exists.Count == 0)
            {
                return new HoldResult(HoldStatus.NotFound);
            }

            var change = Command(paused ? PauseSql.InsertPaused : PauseSql.DeletePaused);
            change.Parameters.Add(P("name", name));
            if (paused)
            {
                change.Parameters.Add(P("at", Ms(now)));
                change.Parameters.Add(P("by", actor));
            }

            if ((await ExecuteBatchAsync(connection, tx, [change], ct).ConfigureAwait(false))[0] == 0)
            {
                return new HoldResult(HoldStatus.Unchanged);
            }

            var flows = Command(paused ? PauseSql.MarkRoutineFlows : PauseSql.UnmarkRoutineFlows);
            flows.Parameters.Add(P("name", name));
            await ExecuteBatchAsync(connection, tx, paused ? [flows] : [flows, Notify(channel)], ct).ConfigureAwait(false);
            return new HoldResult(HoldStatus.Changed);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<PausedRoutine>> ListPausedRoutinesAsync(CancellationToken cancellationToken) =>
        await QueryAsync(PauseSql.ListPaused, _ => { }, PauseSql.ReadPaused, cancellationToken).ConfigureAwait(false);

    private ValueTask<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var result = await work(connection, tx, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, cancellationToken);
}
