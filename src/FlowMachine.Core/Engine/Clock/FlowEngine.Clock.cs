using System.Diagnostics.CodeAnalysis;

namespace FlowMachine.Engine;

// The store's clock: measured when a worker starts and again every ClockAlignmentInterval.
public sealed partial class FlowEngine
{
    /// <summary>
    /// Measures the offset of the store's clock again (see <see cref="Time"/>). A failed reading keeps the
    /// offset in use and is reported through <see cref="Faulted"/>; it is tried again later.
    /// </summary>
    /// <returns>True when the store's clock was read (or the store has none).</returns>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failed reading is reported through Faulted and tried again on the next round; it must not stop a worker or the timer.")]
    public async Task<bool> AlignClockAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Time.AlignAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Faulted?.Invoke(string.Empty, ex);
            return false;
        }
    }
}
