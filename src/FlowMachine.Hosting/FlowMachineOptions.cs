using System.ComponentModel.DataAnnotations;

namespace FlowMachine.Hosting;

/// <summary>
/// Settings of FlowMachine in a host, validated once at start; the defaults are <see cref="FlowMachineDefaults"/>.
/// Grouped as the defaults are: the worker, the engine, specs and task types.
/// </summary>
public sealed class FlowMachineOptions
{
    // The worker -----------------------------------------------------------------------------

    /// <summary>Whether this host runs a worker (false: it only starts and reads flows).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How many flows the worker runs at once.</summary>
    [Range(1, FlowMachineDefaults.Worker.MaxConcurrency)]
    public int Concurrency { get; set; } = FlowMachineDefaults.Worker.Concurrency;

    /// <summary>The longest the worker sleeps before looking at the store again.</summary>
    public TimeSpan PollInterval { get; set; } = FlowMachineDefaults.Worker.PollInterval;

    /// <summary>How long running steps may go on after a stop is asked for.</summary>
    public TimeSpan ShutdownGrace { get; set; } = FlowMachineDefaults.Worker.ShutdownGrace;

    /// <summary>This process's lease owner name; unique per process by default.</summary>
    public string? WorkerId { get; set; }

    /// <summary>The queues the worker serves; empty: <c>default</c> only. It runs only steps on these queues.</summary>
    public IList<string> Queues { get; } = [];

    /// <summary>Default queues by task type name, over the types' own (<see cref="TaskTypeAttribute.Queue"/>).</summary>
    public IDictionary<string, string> TaskQueues { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    // The engine -----------------------------------------------------------------------------

    /// <summary>How long a lease lasts without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = FlowMachineDefaults.Engine.LeaseDuration;

    /// <summary>The largest step result in bytes of JSON; a larger one fails the step. 1 MiB by default.</summary>
    public long MaxResultBytes { get; set; } = FlowMachineDefaults.Engine.MaxResultBytes;

    /// <summary>How many times a step's worker may be lost while running it before the step fails; 5 by default.</summary>
    public int MaxRecoveries { get; set; } = FlowMachineDefaults.Engine.MaxRecoveries;

    /// <summary>
    /// How long an event raised by key (<c>POST /api/v1/events/{name}</c>) is kept for flows that wait for it later, and
    /// its id remembered; 24 hours by default (configuration: <c>FlowMachine:KeptEventLifetime</c>).
    /// </summary>
    public TimeSpan KeptEventLifetime { get; set; } = FlowMachineDefaults.Engine.KeptEventLifetime;

    // Specs ----------------------------------------------------------------------------------

    /// <summary>The largest spec in bytes (see <see cref="Specs.SpecLimits"/>); 1 MiB by default.</summary>
    public long MaxSpecBytes { get; set; } = FlowMachineDefaults.Specs.MaxBytes;

    /// <summary>The most steps a spec may have; 10,000 by default.</summary>
    public int MaxSpecSteps { get; set; } = FlowMachineDefaults.Specs.MaxSteps;

    // Retention ------------------------------------------------------------------------------

    /// <summary>How long finished flows are kept; the sweeper of every host deletes them after that.</summary>
    public Retention.RetentionPolicy Retention { get; } = new();

    // Task types -----------------------------------------------------------------------------

    /// <summary>Folders of plugin assemblies whose task types are loaded at start.</summary>
    public IList<string> TaskFolders { get; } = [];

    /// <summary>Whether the built-in task types (noop, print, http, ...) are registered.</summary>
    public bool BuiltIns { get; set; } = true;

    /// <summary>Every problem with the settings, empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Concurrency is < 1 or > FlowMachineDefaults.Worker.MaxConcurrency)
        {
            problems.Add($"FlowMachine:Concurrency must be between 1 and {FlowMachineDefaults.Worker.MaxConcurrency} (was {Concurrency}).");
        }

        if (LeaseDuration < FlowMachineDefaults.Engine.MinLeaseDuration)
        {
            problems.Add($"FlowMachine:LeaseDuration must be at least 1 second (was {LeaseDuration}).");
        }

        if (MaxRecoveries < 0)
        {
            problems.Add($"FlowMachine:MaxRecoveries must not be negative (was {MaxRecoveries}).");
        }

        if (KeptEventLifetime <= TimeSpan.Zero)
        {
            problems.Add($"FlowMachine:KeptEventLifetime must be positive (was {KeptEventLifetime}).");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            problems.Add($"FlowMachine:PollInterval must be positive (was {PollInterval}).");
        }

        if (ShutdownGrace < TimeSpan.Zero)
        {
            problems.Add($"FlowMachine:ShutdownGrace must not be negative (was {ShutdownGrace}).");
        }

        if (MaxSpecBytes < 64 || MaxSpecSteps < 1 || MaxResultBytes < 64)
        {
            problems.Add($"FlowMachine:MaxSpecBytes and MaxResultBytes must be at least 64 and MaxSpecSteps at least 1 (were {MaxSpecBytes}, {MaxResultBytes}, {MaxSpecSteps}).");
        }

        foreach (var queue in Queues.Concat(TaskQueues.Values))
        {
            if (FlowMachine.Routing.QueueNames.Problem(queue) is { } problem)
            {
                problems.Add($"FlowMachine:Queues: {problem}.");
            }
        }

        problems.AddRange(Retention.Problems());
        foreach (var folder in TaskFolders)
        {
            if (!Directory.Exists(folder))
            {
                problems.Add($"FlowMachine:TaskFolders names '{folder}', which does not exist.");
            }
        }

        return problems;
    }
}
