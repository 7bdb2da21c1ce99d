using System.Text.Json.Nodes;
using FlowMachine.Diagnostics;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

// Commands from outside (push, submit, events, cancel, reset, position): checked, then queued for the flow's run.
public sealed partial class FlowEngine
{
    /// <summary>Force-step: <paramref name="value"/> becomes the waiting step's result and the flow goes on.</summary>
    public async Task<CommandResult> PushAsync(string flowId, JsonNode? value, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var check = await RequireWaitingAsync(flowId, stepKey, "pushed", FlowCommand.Push, cancellationToken).ConfigureAwait(false);
        return check.Status != CommandStatus.Accepted
            ? check
            : await EnqueueAsync(flowId, FlowCommand.Push, stepKey, new JsonObject { ["value"] = value?.DeepClone() }, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resubmit: the waiting step's check runs with <paramref name="args"/>; a ready check completes it.</summary>
    public async Task<CommandResult> SubmitAsync(string flowId, JsonNode? args = null, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var check = await RequireWaitingAsync(flowId, stepKey, "resubmitted", FlowCommand.Submit, cancellationToken).ConfigureAwait(false);
        return check.Status != CommandStatus.Accepted
            ? check
            : await EnqueueAsync(flowId, FlowCommand.Submit, stepKey, new JsonObject { ["args"] = args?.DeepClone() }, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Raises a named event; it is kept until a step waits for it, so an early event is never lost.</summary>
    public async Task<CommandResult> RaiseEventAsync(string flowId, string name, JsonNode? value = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        if (flow.State.IsTerminal())
        {
            return new CommandResult(CommandStatus.Conflict, $"flow {flowId} is {flow.State.ToName()}; it takes no more events");
        }

        if (!await Store.AddEventAsync(flowId, name, value?.DeepClone(), Now, cancellationToken).ConfigureAwait(false))
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        FlowMachineDiagnostics.TraceMessage(flow, "event " + name, null);

        Signal.Notify();
        return CommandResult.Accepted;
    }

    /// <summary>
    /// Raises the event <paramref name="name"/> with the correlation key <paramref name="key"/> for every flow that
    /// waits for it (<see cref="Outcome.Wait(string, object)"/>), of <paramref name="owner"/>
    /// only when given, and keeps it for <see cref="FlowEngineOptions.KeptEventLifetime"/> for flows that wait later.
    /// </summary>
    public async Task<KeyedEventResult> RaiseKeyedEventAsync(string name, string key, JsonNode? value, string? id, string? owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var now = Now;
        var result = await Store.RaiseKeyedEventAsync(new KeyedEvent(name, key, value?.DeepClone(), id, owner, now + Options.KeptEventLifetime), now, cancellationToken)
            .ConfigureAwait(false);
        if (result.Reached > 0)
        {
            Signal.Notify();
        }

        return result;
    }

    /// <summary>Cancels the flow: running steps are cancelled, the rest skipped, the flow goes CANCELLED.</summary>
    public async Task<CommandResult> CancelAsync(string flowId, string? reason = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        if (flow.State.IsTerminal())
        {
            return new CommandResult(CommandStatus.Conflict, $"flow {flowId} has already ended {flow.State.ToName()}");
        }

        var payload = new JsonObject { ["reason"] = reason ?? (actor is null ? "cancelled" : $"cancelled by {actor}") };
        if (flow.LeaseOwner is not null && held.TryGetValue(flowId, out _))
        {
            // This process runs the flow: wake it so the cancel is applied at once.
            Signal.Notify();
        }

        return await EnqueueAsync(flowId, FlowCommand.Cancel, null, payload, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Restarts the flow from its first step with results cleared; the history is kept.</summary>
    public async Task<CommandResult> ResetAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        return flow is null
            ? new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist")
            : await EnqueueAsync(flowId, FlowCommand.Reset, null, null, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the flow's position: the step at <paramref name="position"/> runs next; earlier unfinished steps are skipped.</summary>
    public async Task<CommandResult> SetPositionAsync(string flowId, int position, string? actor = null, CancellationToken cancellationToken = default)
    {
        var flow = await Store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        var count = FlowPlan.For(flow.SpecJson).Steps.Length;
        if (position < 0 || position >= count)
        {
            return new CommandResult(CommandStatus.Conflict, $"position must be between 0 and {count - 1} for flow {flowId} (was {position})");
        }

        return await EnqueueAsync(flowId, FlowCommand.Position, null, new JsonObject { ["position"] = position }, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Accepted when a step (<paramref name="stepKey"/>, or any) waits; the command's span is then recorded in the flow's trace.</summary>
    private async Task<CommandResult> RequireWaitingAsync(string flowId, string? stepKey, string verb, string kind, CancellationToken cancellationToken)
    {
        var view = await GetAsync(flowId, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        var waiting = view.Steps.Where(s => s.State == StepState.Waiting && (stepKey is null || s.Key == stepKey)).ToList();
        if (waiting.Count == 0)
        {
            return new CommandResult(CommandStatus.Conflict, stepKey is null
                ? $"flow {flowId} is {view.Flow.State.ToName()} and no step waits; only a waiting step can be {verb}"
                : $"step '{stepKey}' of flow {flowId} is not waiting; only a waiting step can be {verb}");
        }

        FlowMachineDiagnostics.TraceMessage(view.Flow, kind, stepKey ?? waiting[0].Key);
        return CommandResult.Accepted;
    }

    /// <summary>
    /// Queues the command. Beside this process's idle worker (<see cref="FlowWorker.TryReserve"/>, a slot taken before
    /// the write, so the wake-up the write sends does not make the worker busy claiming) the same write claims the
    /// flow for it, as a claim round would (never a flow under a live lease, this process's own included), and it runs
    /// there at once. Otherwise the worker is woken for a claim round, or the flow's holder applies the command.
    /// </summary>
    private async Task<CommandResult> EnqueueAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, CancellationToken cancellationToken)
    {
        var worker = Volatile.Read(ref LocalWorker) is { } local && local.TryReserve() ? local : null;
        QueuedCommand queued;
        try
        {
            queued = worker is null
                ? new QueuedCommand(await Store.EnqueueCommandAsync(flowId, kind, stepKey, payload, actor, Now, cancellationToken).ConfigureAwait(false), null)
                : await Store.EnqueueCommandAsync(flowId, kind, stepKey, payload, actor, Now, new CommandClaim(Owner, Routes, Options.LeaseDuration), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            worker?.Unreserve();
            throw;
        }

        if (queued.Claimed is { } claimed)
        {
            worker!.HandOver(claimed);
            return CommandResult.Accepted;
        }

        worker?.Unreserve();
        if (!queued.Found)
        {
            return new CommandResult(CommandStatus.NotFound, $"flow {flowId} does not exist");
        }

        Signal.Notify();
        return CommandResult.Accepted;
    }
}
