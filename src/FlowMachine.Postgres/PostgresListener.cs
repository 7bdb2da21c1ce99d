using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace FlowMachine.Postgres;

/// <summary>
/// LISTENs on the store's channel on a dedicated connection and calls the subscribers on every
/// notification. It reconnects after a drop (a restart, a network cut) and then raises one
/// notification, since anything sent while it was away was missed.
/// </summary>
internal sealed class PostgresListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly string channel;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private Action[] subscribers = [];
    private Task? loop;

    public PostgresListener(NpgsqlDataSource dataSource, string channel, TimeProvider time)
    {
        this.dataSource = dataSource;
        this.channel = channel;
        this.time = time;
    }

    /// <summary>Notifications received so far (for tests).</summary>
    public long Received { get; private set; }

    public IDisposable Subscribe(Action onWork)
    {
        ArgumentNullException.ThrowIfNull(onWork);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stop.IsCancellationRequested, this);
            subscribers = [.. subscribers, onWork];

            // Started by the first subscriber: a store nobody listens to holds no extra connection.
            loop ??= Task.Run(() => RunAsync(stop.Token));
        }

        return new Subscription(this, onWork);
    }

    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (gate)
        {
            running = loop;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private void Unsubscribe(Action onWork)
    {
        lock (gate)
        {
            var list = subscribers.ToList();
            list.Remove(onWork);
            subscribers = [.. list];
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A subscriber's fault must not stop the other subscribers or the listener.")]
    private void Raise()
    {
        Received++;
        foreach (var subscriber in Volatile.Read(ref subscribers))
        {
            try
            {
                subscriber();
            }
            catch (Exception)
            {
                // A subscriber's fault must not stop the others or the listener.
            }
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Any failure of the connection (a restart, a network cut) means reconnecting with backoff for as long as the store lives.")]
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                connection.Notification += (_, _) => Raise();
                var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.Quote(channel)}", connection);
                await using (listen.ConfigureAwait(false))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                backoff = TimeSpan.FromMilliseconds(100);
                Raise(); // catch up with whatever was sent while not listening
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Dropped or refused (a restart): try again with backoff, up to 5 s apart, for as long as the store lives.
                try
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = backoff * 2 > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : backoff * 2;
            }
        }
    }

    private sealed class Subscription(PostgresListener owner, Action onWork) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(onWork);
            }
        }
    }
}
