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
