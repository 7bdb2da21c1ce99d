using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// Raising events by correlation key for a caller, the same on every surface: a user's event reaches only their own
/// flows, an administrator's every flow.
/// </summary>
public sealed class EventVerbs(FlowEngine engine)
{
    /// <summary>
    /// Checks the inputs (the field at fault is named in <see cref="EventRaiseResult.Field"/>), then raises the event
    /// <paramref name="name"/> with <paramref name="key"/> for the caller's flows (every flow for an administrator).
    /// </summary>
    public async Task<EventRaiseResult> RaiseAsync(Caller caller, string? name, string? key, JsonNode? value, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!InputLimits.IsEventName(name))
        {
            return new EventRaiseResult(null, "name", $"an event name has 1 to {InputLimits.MaxEventNameLength} characters");
        }

        if (string.IsNullOrEmpty(key) || key.Length > InputLimits.MaxEventKeyLength)
        {
            return new EventRaiseResult(null, "key", $"give the correlation key the flows wait with: 1 to {InputLimits.MaxEventKeyLength} characters");
        }

        if (id is not null && (id.Length == 0 || id.Length > InputLimits.MaxEventKeyLength))
        {
            return new EventRaiseResult(null, "id", $"an event id has 1 to {InputLimits.MaxEventKeyLength} characters (or leave it out)");
        }

        var raised = await engine.RaiseKeyedEventAsync(name!, key, value, id, caller.IsAdmin ? null : caller.Name, cancellationToken).ConfigureAwait(false);
        return new EventRaiseResult(raised, null, null);
    }

    /// <summary>The most rows a listing answers.</summary>
    public const int MaxListLimit = 1000;

    /// <summary>The rows a listing answers when no limit is given.</summary>
    public const int DefaultListLimit = 100;

    /// <summary>
    /// The kept events and the keyed waits, each filtered by <paramref name="name"/> and <paramref name="key"/> (exact; null:
    /// any) and limited to <paramref name="limit"/> rows (1 to <see cref="MaxListLimit"/>): a user's own events and flows, every
    /// one for an administrator.
    /// </summary>
    public async Task<KeyedEventListing> ListAsync(Caller caller, string? name, string? key, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var filter = new KeyedEventFilter(Blank(name), Blank(key), caller.IsAdmin ? null : caller.Name, Math.Clamp(limit, 1, MaxListLimit));
        var kept = await engine.Store.ListKeptEventsAsync(filter, engine.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var waiting = await engine.Store.ListKeyedWaitsAsync(filter, cancellationToken).ConfigureAwait(false);
        return new KeyedEventListing(kept, waiting);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
