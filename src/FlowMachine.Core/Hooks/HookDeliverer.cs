using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Hooks;

/// <summary>
/// Does what a hook says with a delivery whose signature was checked: starts a flow owned by the hook's owner, or
/// raises an event by key that reaches the owner's flows (an administrator's: every flow). A path the body does not
/// have is refused, naming the path, and nothing is done.
/// </summary>
public sealed class HookDeliverer(FlowVerbs flows, EventVerbs events, IUserStore users)
{
    /// <summary>Maps <paramref name="body"/> (the parsed JSON body; null for an empty one) and acts.</summary>
    public async Task<HookDeliveryResult> DeliverAsync(HookRecord hook, string delivery, JsonNode? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(delivery);
        var owner = await users.GetUserAsync(hook.Owner, cancellationToken).ConfigureAwait(false);
        var caller = new Caller(hook.Owner, owner?.IsAdmin == true);
        var action = HookAction.Parse(hook.ActionJson);
        return action.Start is { } start
            ? await StartAsync(hook.Name, start, caller, delivery, body, cancellationToken).ConfigureAwait(false)
            : await RaiseAsync(hook.Name, action.Event!, caller, delivery, body, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HookDeliveryResult> StartAsync(string name, HookStart start, Caller caller, string delivery, JsonNode? body, CancellationToken cancellationToken)
    {
        var input = body?.DeepClone();
        if (start.Input is { Count: > 0 } fields)
        {
            var mapped = new JsonObject();
            foreach (var (field, path) in fields)
            {
                if (!HookPaths.TryResolve(path, body, delivery, out var value))
                {
                    return Missing(path);
                }

                mapped[field] = value;
            }

            input = mapped;
        }

        string? key = null;
        if (start.Key is { } keyPath && Key(keyPath, body, delivery, out key) is { } badKey)
        {
            return badKey;
        }

        FlowStartResult started;
        try
        {
            started = await flows.StartAsync(caller, new StartFlowRequest { Routine = start.Routine, Input = input, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (SpecException ex)
        {
            return new HookDeliveryResult(null, "start.routine", $"the hook's routine '{start.Routine}' cannot start with this delivery: {string.Join("; ", ex.Errors.Select(e => e.ToString()))}");
        }

        if (started.KeyHeldByOther)
        {
            return new HookDeliveryResult(null, "key", $"the key '{key}' belongs to another user's flow", Conflict: true);
        }

        var flow = started.Started.Flow;
        return new HookDeliveryResult(new HookDeliveryDocument(name, delivery, "start", flow.Id, started.Started.Created, null, key, null));
    }

    private async Task<HookDeliveryResult> RaiseAsync(string name, HookEvent raise, Caller caller, string delivery, JsonNode? body, CancellationToken cancellationToken)
    {
        if (Key(raise.Key!, body, delivery, out var key) is { } badKey)
        {
            return badKey;
        }

        JsonNode? value = null;
        if (raise.Value is { } valuePath && !HookPaths.TryResolve(valuePath, body, delivery, out value))
        {
            return Missing(valuePath);
        }

        // The delivery id makes the raise idempotent too: a redelivery after the answer was forgotten is still one event.
        var raised = await events.RaiseAsync(caller, raise.Name, key, value, $"hook:{name}:{delivery}", cancellationToken).ConfigureAwait(false);
        return raised.Raised is { } done
            ? new HookDeliveryResult(new HookDeliveryDocument(name, delivery, "event", null, null, raise.Name, key, done.Reached))
            : new HookDeliveryResult(null, raised.Field == "key" ? raise.Key : raised.Field, raised.Problem);
    }

    private static HookDeliveryResult? Key(string path, JsonNode? body, string delivery, out string? key)
    {
        key = null;
        if (!HookPaths.TryResolve(path, body, delivery, out var value))
        {
            return Missing(path);
        }

        key = HookPaths.KeyText(value);
        return key is { Length: > 0 and <= InputLimits.MaxEventKeyLength }
            ? null
            : new HookDeliveryResult(null, path, $"{path} is the key: it must be a text (1 to {InputLimits.MaxEventKeyLength} characters) or a number in the body");
    }

    private static HookDeliveryResult Missing(string path) => new(null, path, $"the body has no {path}");
}
