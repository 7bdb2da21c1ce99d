using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Postgres.PostgresQueries;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Postgres;

// The reads behind a diagnosis (IFlowDiagnosisStore).
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FlowEvent>> GetPendingEventsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync(DiagnosisSql.PendingEvents, p => p.Add(P("id", flowId)), ReadEvent, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SlotHolder>> ListSlotHoldersAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryAsync(DiagnosisSql.SlotHolders, p =>
        {
            p.Add(P("key", key));
            p.Add(P("now", (long?)now.ToUnixTimeMilliseconds()));
        }, DiagnosisSql.ReadHolder, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FlowRecord>> ListOverdueFlowsAsync(OverdueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await QueryAsync($"SELECT {FlowColumns} FROM flows{DiagnosisSql.Overdue(query.Owner is not null)}", p =>
        {
            p.Add(P("now", (long?)query.Now.ToUnixTimeMilliseconds()));
            p.Add(P("due_before", (long?)query.DueBefore.ToUnixTimeMilliseconds()));
            p.Add(P("limit", (int?)query.Limit));
            if (query.Owner is not null)
            {
                p.Add(P("owner", query.Owner));
            }
        }, ReadFlow, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StepRecord>> ListRecoveredStepsAsync(string? owner, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StepColumns} FROM steps{DiagnosisSql.Recovered(owner is not null)}", p =>
        {
            p.Add(P("limit", (int?)limit));
            if (owner is not null)
            {
                p.Add(P("owner", owner));
            }
        }, ReadStep, cancellationToken).ConfigureAwait(false);
}
