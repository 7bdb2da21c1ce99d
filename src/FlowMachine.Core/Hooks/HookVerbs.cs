using System.Security.Cryptography;
using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Hooks;

/// <summary>
/// Managing webhooks, the same from the API and the CLI: a user sees and manages only their own hooks, an
/// administrator every hook. The secret is made here and shown only by <see cref="CreateAsync"/> and <see cref="RotateAsync"/>.
/// </summary>
public sealed class HookVerbs(IFlowStore store, TimeProvider time)
{
    /// <summary>The longest hook name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>What a name that breaks the rule is told.</summary>
    public static readonly string NameRule = $"a hook name has 1 to {MaxNameLength} letters, digits, '.', '_' and '-'";

    /// <summary>The path of a hook's URL under the server's address.</summary>
    public static string PathOf(string name) => "/api/v1/hooks/" + Uri.EscapeDataString(name);

    private IHookStore Hooks => store as IHookStore ?? throw new NotSupportedException("This store keeps no webhooks.");

    /// <summary>Checks <paramref name="request"/> (the field at fault is named) and stores the hook, owned by the caller, with a new secret.</summary>
    public async Task<HookResult> CreateAsync(Caller caller, HookRequest? request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await CheckAsync(request, cancellationToken).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        var hook = new HookRecord(request!.Name!, NewSecret(), caller.Name, new HookAction(request.Start, request.Event).ToJson(), StoredNow(), null);
        return await Hooks.CreateHookAsync(hook, cancellationToken).ConfigureAwait(false)
            ? new HookResult(HookOutcome.Done, hook)
            : new HookResult(HookOutcome.Conflict, Field: "name", Problem: $"a hook named '{hook.Name}' exists; choose another name or delete it first");
    }

    /// <summary>The hooks the caller may see, by name.</summary>
    public async Task<IReadOnlyList<HookRecord>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await Hooks.ListHooksAsync(caller.IsAdmin ? null : caller.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hook, only for a caller who may see it.</summary>
    public async Task<HookRecord?> GetAsync(Caller caller, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var hook = await Hooks.GetHookAsync(name, cancellationToken).ConfigureAwait(false);
        return hook is not null && caller.CanSee(hook.Owner) ? hook : null;
    }

    /// <summary>Deletes the hook and the deliveries it remembers; false when the caller may not see it or there is none.</summary>
    public async Task<bool> DeleteAsync(Caller caller, string name, CancellationToken cancellationToken = default) =>
        await GetAsync(caller, name, cancellationToken).ConfigureAwait(false) is not null
        && await Hooks.DeleteHookAsync(name, cancellationToken).ConfigureAwait(false);

    /// <summary>Gives the hook a new secret (the old one stops working at once); the hook with it, or NotFound.</summary>
    public async Task<HookResult> RotateAsync(Caller caller, string name, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(caller, name, cancellationToken).ConfigureAwait(false) is not { } hook)
        {
            return HookResult.NotFound;
        }

        var rotated = hook with { Secret = NewSecret(), RotatedAt = StoredNow() };
        return await Hooks.RotateHookSecretAsync(name, rotated.Secret, rotated.RotatedAt!.Value, cancellationToken).ConfigureAwait(false)
            ? new HookResult(HookOutcome.Done, rotated)
            : HookResult.NotFound;
    }

    /// <summary>Why <paramref name="name"/> is not a hook name, or null when it is one.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) ? NameRule : null;

    private async Task<HookResult?> CheckAsync(HookRequest? request, CancellationToken cancellationToken)
    {
        if (NameProblem(request?.Name) is { } badName)
        {
            return HookResult.Invalid("name", badName);
        }

        if ((request!.Start is null) == (request.Event is null))
        {
            return HookResult.Invalid("start", "give exactly one action: 'start' (start a routine with each delivery) or 'event' (raise an event by key)");
        }

        if (request.Start is { } start)
        {
            if (RoutineNames.Problem(start.Routine) is { } badRoutine)
            {
                return HookResult.Invalid("start.routine", badRoutine);
            }

            if (await store.GetRoutineAsync(start.Routine!, null, cancellationToken).ConfigureAwait(false) is null)
            {
                return HookResult.Invalid("start.routine", $"there is no routine named '{start.Routine}'; save it first");
            }

            foreach (var (field, path) in start.Input ?? new Dictionary<string, string>())
            {
                if (string.IsNullOrEmpty(field))
                {
                    return HookResult.Invalid("start.input", "an input field needs a name");
                }

                if (!HookPaths.IsPath(path))
                {
                    return HookResult.Invalid($"start.input.{field}", HookPaths.Rule);
                }
            }

            return start.Key is null || HookPaths.IsPath(start.Key) ? null : HookResult.Invalid("start.key", HookPaths.Rule);
        }

        var raise = request.Event!;
        if (!InputLimits.IsEventName(raise.Name))
        {
            return HookResult.Invalid("event.name", $"an event name has 1 to {InputLimits.MaxEventNameLength} characters");
        }

        if (!HookPaths.IsPath(raise.Key))
        {
            return HookResult.Invalid("event.key", "give the correlation key as a path: " + HookPaths.Rule);
        }

        return raise.Value is null || HookPaths.IsPath(raise.Value) ? null : HookResult.Invalid("event.value", HookPaths.Rule);
    }

    // The stores keep milliseconds: the answer to create or rotate shows the time a later read will show.
    private DateTimeOffset StoredNow() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
