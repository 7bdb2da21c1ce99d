using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>
/// LISTENs on a channel and counts what arrives: one notification per committed transaction that sent any
/// (PostgreSQL folds a transaction's identical notifications into one), as every listening worker receives them.
/// </summary>
internal sealed class NotificationCounter : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private long received;

    private NotificationCounter(NpgsqlConnection connection) => this.connection = connection;

    public long Received => Interlocked.Read(ref received);

    public static async Task<NotificationCounter> StartAsync(string connectionString, string channel)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var counter = new NotificationCounter(connection);
        connection.Notification += (_, _) => Interlocked.Increment(ref counter.received);
        await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }

        counter.loop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await connection.WaitAsync(counter.stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        return counter;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        await connection.DisposeAsync();
        stop.Dispose();
    }
}
