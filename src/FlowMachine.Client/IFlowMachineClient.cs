using FlowMachine.Engine;

namespace FlowMachine.Client;

/// <summary>
/// <see cref="IFlowClient"/> over the FlowMachine REST API, with what only a remote client needs: watching a
/// flow live and waiting for it to end, and the server's routines and task types.
/// </summary>
/// <remarks>
/// Results are those of the in-process client: <see cref="IFlowClient.GetAsync"/> returns null for a flow
/// that does not exist (or that the key may not see), commands answer <see cref="CommandStatus.NotFound"/> or
/// <see cref="CommandStatus.Conflict"/> with the server's reason. Everything else the server refuses is a
/// <see cref="FlowMachineApiException"/>: an invalid spec or input is a <see cref="FlowMachineValidationException"/>
/// (not a <c>SpecException</c>) carrying each error under its path. The owner and actor arguments are the
/// API key's user; a <see cref="Storage.FlowQuery"/> may not filter on <c>Version</c> or <c>ParentFlowId</c>.
/// </remarks>
public interface IFlowMachineClient : IFlowClient
{
    /// <summary>The flow now and again after every change, until it ends; nothing when it does not exist.</summary>
    IAsyncEnumerable<FlowView> WatchAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>Watches the flow until it is COMPLETED, FAILED, KILLED or CANCELLED and returns it.</summary>
    /// <exception cref="TimeoutException">The flow had not ended after <paramref name="timeout"/>.</exception>
    /// <exception cref="FlowMachineNotFoundException">The flow does not exist.</exception>
    Task<FlowView> WaitForCompletionAsync(string flowId, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>The task types the server's workers run.</summary>
    Task<IReadOnlyList<TaskTypeDocument>> ListTaskTypesAsync(CancellationToken cancellationToken = default);

    /// <summary>The newest version of every routine, without specs.</summary>
    Task<IReadOnlyList<RoutineSummary>> ListRoutinesAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a routine: a changed spec makes a new version, the same spec again returns the current one.</summary>
    /// <param name="name">The routine's name.</param>
    /// <param name="spec">The spec as a JSON document, or JSON or YAML text in a string value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FlowMachineValidationException">The name or the spec is not valid (errors under <c>spec...</c>).</exception>
    Task<RoutineSaveResult> SaveRoutineAsync(string name, System.Text.Json.Nodes.JsonNode spec, CancellationToken cancellationToken = default);

    /// <summary>A routine with its spec (the newest version unless <paramref name="version"/>), or null.</summary>
    Task<RoutineDocument?> GetRoutineAsync(string name, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>Every schedule, by name, with its next fire times.</summary>
    Task<IReadOnlyList<Scheduling.ScheduleDocument>> ListSchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>One schedule with its next fire times and the last flow it started, or null.</summary>
    Task<Scheduling.ScheduleDocument?> GetScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a schedule from its JSON definition (name, routine or spec, cron or every, ...), owned by the key's user.</summary>
    /// <exception cref="FlowMachineValidationException">A field is not valid (each named under its path).</exception>
    /// <exception cref="FlowMachineConflictException">The name is taken.</exception>
    Task<Scheduling.ScheduleDocument> CreateScheduleAsync(System.Text.Json.Nodes.JsonObject schedule, CancellationToken cancellationToken = default);

    /// <summary>Pauses a schedule, with an optional note saying why; it starts nothing until resumed.</summary>
    /// <exception cref="FlowMachineNotFoundException">No such schedule.</exception>
    /// <exception cref="FlowMachineForbiddenException">The key's user neither owns it nor is an administrator.</exception>
    Task<Scheduling.ScheduleDocument> PauseScheduleAsync(string name, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a schedule from the next slot after now.</summary>
    /// <exception cref="FlowMachineNotFoundException">No such schedule.</exception>
    Task<Scheduling.ScheduleDocument> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Starts one flow of the schedule now, whatever its overlap policy.</summary>
    /// <exception cref="FlowMachineConflictException">The schedule's target could not start.</exception>
    Task<Scheduling.ScheduleStarted> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Starts one flow per slot from <paramref name="first"/> to <paramref name="last"/> (ISO 8601 times, the last included) by the overlap policy.</summary>
    Task<Scheduling.ScheduleStarted> BackfillScheduleAsync(string name, string first, string last, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule; the flows it started stay.</summary>
    /// <exception cref="FlowMachineNotFoundException">No such schedule.</exception>
    Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes (or with <paramref name="dryRun"/> counts) the finished flows in <paramref name="state"/> (all four when null)
    /// that ended longer ago than <paramref name="olderThan"/> (30d, 12h), of <paramref name="routine"/>, with <paramref name="tag"/>;
    /// with their children. Administrators only.
    /// </summary>
    /// <exception cref="FlowMachineValidationException">A value does not parse.</exception>
    /// <exception cref="FlowMachineForbiddenException">The key's user is not an administrator.</exception>
    Task<Retention.FlowPurgeDocument> PurgeAsync(string? state, string? olderThan, string? routine, string? tag, bool dryRun = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// The events raised by key that the server keeps for flows that wait later, and the steps that wait for an event by
    /// key, each filtered by <paramref name="name"/> and <paramref name="key"/> (exact; null: any) and at most
    /// <paramref name="limit"/> rows (the server's default when null): the key's user's own, everything for an administrator.
    /// </summary>
    /// <exception cref="FlowMachineValidationException">The limit is out of range.</exception>
    Task<Operations.KeyedEventListing> ListEventsAsync(string? name = null, string? key = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a webhook owned by the key's user: a name and exactly one action, <see cref="Hooks.HookRequest.Start"/> or
    /// <see cref="Hooks.HookRequest.Event"/>. The answer carries the secret that signs deliveries, shown only here and by
    /// <see cref="RotateHookAsync"/>, and the URL deliveries are posted to.
    /// </summary>
    /// <exception cref="FlowMachineValidationException">A field is not valid (named: <c>name</c>, <c>start.routine</c>, <c>event.key</c>, ...).</exception>
    /// <exception cref="FlowMachineConflictException">The name is taken.</exception>
    Task<Hooks.HookCreatedDocument> CreateHookAsync(Hooks.HookRequest request, CancellationToken cancellationToken = default);

    /// <summary>The key's user's webhooks (an administrator's: all), by name, without their secrets.</summary>
    Task<IReadOnlyList<Hooks.HookDocument>> ListHooksAsync(CancellationToken cancellationToken = default);

    /// <summary>One webhook without its secret, or null when there is none (or it is another user's).</summary>
    Task<Hooks.HookDocument?> GetHookAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a webhook and the delivery ids it remembers; the flows it started stay.</summary>
    /// <exception cref="FlowMachineNotFoundException">No such webhook, or another user's.</exception>
    Task DeleteHookAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Gives a webhook a new secret, shown only in this answer; the old one stops working at once.</summary>
    /// <exception cref="FlowMachineNotFoundException">No such webhook, or another user's.</exception>
    Task<Hooks.HookSecretDocument> RotateHookAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The registered workers, each queue's depth, and what no live worker serves.</summary>
    Task<Routing.WorkersDocument> GetWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Retries, cancels or deletes (<paramref name="action"/>) every flow of the key's user (every flow for an
    /// administrator) that <paramref name="filter"/> matches; a dry run only counts. The result's <c>DoneIds</c> is empty:
    /// the server does not list them.
    /// </summary>
    /// <exception cref="FlowMachineValidationException">An unknown action or a filter value that does not parse.</exception>
    Task<Operations.FlowBulkResult> BulkAsync(string action, Operations.FlowBulkFilter filter, bool dryRun = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Suspends the flow (steps in flight finish, nothing more runs) or, with <paramref name="suspend"/> false, resumes it:
    /// <c>Changed</c> or <c>Unchanged</c> with the flow's state, or <c>NotFound</c>.
    /// </summary>
    /// <exception cref="FlowMachineConflictException">The flow has ended.</exception>
    Task<Storage.HoldResult> SuspendFlowAsync(string flowId, bool suspend = true, CancellationToken cancellationToken = default);

    /// <summary>Pauses the routine (its flows are stored but not run) or, with <paramref name="pause"/> false, resumes it.</summary>
    /// <exception cref="FlowMachineForbiddenException">The key's user neither owns the routine nor is an administrator.</exception>
    Task<Storage.HoldResult> PauseRoutineAsync(string name, bool pause = true, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished flow for good, with its children, steps and history: <c>Deleted</c> or <c>NotFound</c>.</summary>
    /// <exception cref="FlowMachineConflictException">The flow, its parent or one of its children has not finished.</exception>
    Task<Storage.FlowDeleteOutcome> DeleteAsync(string flowId, CancellationToken cancellationToken = default);
}
