using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

/// <summary>
/// What the engine keeps for one running step that reports progress or has a <c>heartbeat_timeout</c>: made on the
/// first report (or at launch, for the watchdog), so other steps carry none. Progress is stored at most once per
/// <see cref="Interval"/>, the latest value winning; a report held back by the interval is written when it ends.
/// </summary>
internal sealed class StepReport(FlowEngine engine, string flowId, string stepKey, CancellationTokenSource? watchdog, TimeSpan heartbeatTimeout)
{
    /// <summary>The least time between two stored reports of a step.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private JsonNode? pending;
    private long lastWrite;
    private bool wrote;
    private Task? writing;
    private ITimer? timer;
    private bool ended;

    /// <summary>Cancels the attempt when no heartbeat came for <see cref="HeartbeatTimeout"/>; null without a timeout.</summary>
    public CancellationTokenSource? Watchdog { get; } = watchdog;

    public TimeSpan HeartbeatTimeout { get; } = heartbeatTimeout;

    /// <summary>The task is alive: the watchdog starts counting again.</summary>
    public void Beat()
    {
        if (Watchdog is not { } w)
        {
            return;
        }

        try
        {
            w.CancelAfter(HeartbeatTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The attempt is over; a late heartbeat from the task's own threads changes nothing.
        }
    }

    /// <summary>Takes a report: stored now, or when the interval since the last write has passed.</summary>
    public void Offer(JsonNode progress)
    {
        lock (gate)
        {
            if (!ended)
            {
                pending = progress;
                WriteOrWaitLocked();
            }
        }
    }

    /// <summary>The step finished: waits for the write in flight and stores the report the interval held back.</summary>
    public async Task EndAsync()
    {
        Task? inFlight;
        JsonNode? last;
        lock (gate)
        {
            ended = true;
            timer?.Dispose();
            timer = null;
            inFlight = writing;
            last = pending;
            pending = null;
        }

        if (inFlight is not null)
        {
            await inFlight.ConfigureAwait(false);
        }

        if (last is not null)
        {
            await engine.SaveProgressAsync(flowId, stepKey, last).ConfigureAwait(false);
        }
    }

    private void WriteOrWaitLocked()
    {
        if (pending is null || writing is { IsCompleted: false })
        {
            return; // the write in flight looks again when it is done
        }

        var wait = wrote ? Interval - engine.Time.GetElapsedTime(lastWrite) : TimeSpan.Zero;
        if (wait <= TimeSpan.Zero)
        {
            var node = pending;
            pending = null;
            wrote = true;
            lastWrite = engine.Time.GetTimestamp();

            // Off the task's flow of control: a report never waits for the store.
            writing = Task.Run(() => WriteAsync(node));
        }
        else
        {
            timer ??= engine.Time.CreateTimer(static s => ((StepReport)s!).OnTimer(), this, wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
            if (!ended)
            {
                WriteOrWaitLocked();
            }
        }
    }

    private async Task WriteAsync(JsonNode node)
    {
        await engine.SaveProgressAsync(flowId, stepKey, node).ConfigureAwait(false);
        lock (gate)
        {
            if (!ended)
            {
                WriteOrWaitLocked();
            }
        }
    }
}
