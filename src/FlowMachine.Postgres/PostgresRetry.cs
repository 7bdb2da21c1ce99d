using System.Net.Sockets;
using Npgsql;
using Polly;
using Polly.Retry;

namespace FlowMachine.Postgres;

/// <summary>
/// Retries transient PostgreSQL errors (a restart, a dropped or refused connection, a serialization
/// failure or deadlock) with exponential backoff for about <see cref="PostgresStoreOptions.RetryFor"/>,
/// so that a database restart delays flows and never fails them. Other errors surface at once.
/// </summary>
internal static class PostgresRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(4);

    public static ResiliencePipeline Create(TimeSpan retryFor, Action<Exception> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } error && IsTransient(error) && !args.Context.CancellationToken.IsCancellationRequested),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstDelay,
                MaxDelay = MaxDelay,
                MaxRetryAttempts = AttemptsFor(retryFor),
                OnRetry = args =>
                {
                    onRetry(args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>How many retries the backoff (0.1 s doubling up to 4 s) needs to cover <paramref name="retryFor"/>.</summary>
    private static int AttemptsFor(TimeSpan retryFor)
    {
        var attempts = 0;
        var total = TimeSpan.Zero;
        var delay = FirstDelay;
        while (total < retryFor && attempts < 1000)
        {
            total += delay;
            attempts++;
            delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
        }

        return Math.Max(1, attempts);
    }

    /// <summary>True for errors that a later attempt may not see: connection trouble, restarts, lock conflicts.</summary>
    public static bool IsTransient(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.IsTransient || pg.SqlState is
                        "57P01" or // admin_shutdown: the server is restarting
                        "57P02" or // crash_shutdown
                        "57P03" or // cannot_connect_now: starting up or shutting down
                        "40001" or // serialization_failure
                        "40P01" or // deadlock_detected
                        "53300" or // too_many_connections
                        "55P03" || // lock_not_available
                        pg.SqlState.StartsWith("08", StringComparison.Ordinal); // connection_exception
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SocketException or IOException or TimeoutException or EndOfStreamException:
                    return true;
                case InvalidOperationException when e.Message.Contains("connection is broken", StringComparison.OrdinalIgnoreCase):
                    return true;
            }
        }

        return false;
    }
}
