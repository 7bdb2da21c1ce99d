using System.ComponentModel.DataAnnotations;

namespace FlowMachine.Hosting;

/// <summary>Settings of FlowMachine in a host, validated once at start. Defaults live here.</summary>
public sealed class FlowMachineOptions
{
    /// <summary>Whether this host runs a worker (false: it only starts and reads flows).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How many flows the worker runs at once.</summary>
    [Range(1, 10_000)]
    public int Concurrency { get; set; } = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>How long a lease lasts without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest the worker sleeps before looking at the store again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long running steps may go on after a stop is asked for.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This process's lease owner name; unique per process by default.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Folders of plugin assemblies whose task types are loaded at start.</summary>
    public IList<string> TaskFolders { get; } = [];

    /// <summary>Whether the built-in task types (noop, print, http, ...) are registered.</summary>
    public bool BuiltIns { get; set; } = true;

    /// <summary>The largest spec in bytes (see <see cref="Specs.SpecLimits"/>); 1 MiB by default.</summary>
    public long MaxSpecBytes { get; set; } = Specs.SpecLimits.Default.MaxBytes;

    /// <summary>The most steps a spec may have; 10,000 by default.</summary>
    public int MaxSpecSteps { get; set; } = Specs.SpecLimits.Default.MaxSteps;

    /// <summary>The largest step result in bytes of JSON; a larger one fails the step. 1 MiB by default.</summary>
    public long MaxResultBytes { get; set; } = 1024 * 1024;

    /// <summary>Every problem with the settings, empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Concurrency is < 1 or > 10_000)
        {
            problems.Add($"FlowMachine:Concurrency must be between 1 and 10000 (was {Concurrency}).");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            problems.Add($"FlowMachine:LeaseDuration must be at least 1 second (was {LeaseDuration}).");
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
