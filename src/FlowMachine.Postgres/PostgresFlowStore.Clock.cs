namespace FlowMachine.Postgres;

// The clock role (IStoreClock): the database server's clock judges leases and due times for every worker.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<DateTimeOffset> GetTimeAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("SELECT clock_timestamp()", _ => { }, r => r.GetFieldValue<DateTimeOffset>(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }
}
