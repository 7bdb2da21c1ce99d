namespace FlowMachine.Server;

/// <summary>
/// Settings of a FlowMachine server process, grouped: the server, its worker, the engine, specs and task types.
/// The store is chosen on its builder; the engine, worker and spec defaults are <see cref="FlowMachineDefaults"/>.
/// </summary>
public sealed class FlowMachineServerOptions
{
    /// <summary>The environment variable that supplies the admin API key.</summary>
    public const string AdminKeyVariable = "FLOWMACHINE_ADMIN_KEY";

    // The server ------------------------------------------------------------------------------

    /// <summary>Where Kestrel listens; <c>http://127.0.0.1:0</c> picks a free port.</summary>
    public IList<string> Urls { get; } = [];

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The admin key; when null, <see cref="AdminKeyVariable"/> is read, and without it a key is generated on first start.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Where a generated admin key is printed once (standard output by default).</summary>
    public TextWriter? KeyOutput { get; set; }

    /// <summary>How often a live stream re-reads the store for changes made by other processes.</summary>
    public TimeSpan StreamRecheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a resume URL stays usable, counted from when its step started; an older token is refused
    /// with 410 Gone.
    /// </summary>
    public TimeSpan ResumeTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether to log to the console.</summary>
    public bool ConsoleLogging { get; set; } = true;

    /// <summary>
    /// Whether console logging is quiet: FlowMachine's messages and the framework's warnings and errors, no line per
    /// request. <c>Logging__LogLevel__*</c> settings (environment variables, appsettings) still override each level.
    /// </summary>
    public bool QuietLogging { get; set; }

    // The worker ------------------------------------------------------------------------------

    /// <summary>Whether this process runs a worker as well as the API.</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How many flows the worker runs at once; null keeps the host's default.</summary>
    public int? Concurrency { get; set; }

    /// <summary>The queues the worker serves; empty: <c>default</c> only.</summary>
    public IList<string> Queues { get; } = [];

    /// <summary>How often the worker looks at the store when nothing wakes it.</summary>
    public TimeSpan? PollInterval { get; set; }

    // The engine ------------------------------------------------------------------------------

    /// <summary>The largest step result in bytes of JSON; a larger one fails its step with an error naming the limit.</summary>
    public long MaxResultBytes { get; set; } = FlowMachineDefaults.Engine.MaxResultBytes;

    // Specs -----------------------------------------------------------------------------------

    /// <summary>The largest spec in bytes (inline or stored as a routine); larger ones get a 400 naming the limit.</summary>
    public long MaxSpecBytes { get; set; } = FlowMachineDefaults.Specs.MaxBytes;

    /// <summary>The most steps a spec may have.</summary>
    public int MaxSpecSteps { get; set; } = FlowMachineDefaults.Specs.MaxSteps;

    // Task types ------------------------------------------------------------------------------

    /// <summary>Folders of task plugin assemblies loaded at start.</summary>
    public IList<string> TaskFolders { get; } = [];

    /// <summary>Every problem with the settings, empty when they are fine.</summary>
    /// <summary>How long finished flows are kept (see docs/operating.md, Retention); the server's sweeper applies it.</summary>
    public Retention.RetentionPolicy Retention { get; } = new();

    /// <summary>Every problem with the settings, empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxRequestBodyBytes < 1024)
        {
            problems.Add($"MaxRequestBodyBytes must be at least 1024 (was {MaxRequestBodyBytes}).");
        }

        if (Concurrency is < 1 or > FlowMachineDefaults.Worker.MaxConcurrency)
        {
            problems.Add($"Concurrency must be between 1 and {FlowMachineDefaults.Worker.MaxConcurrency} (was {Concurrency}).");
        }

        if (StreamRecheckInterval <= TimeSpan.Zero)
        {
            problems.Add($"StreamRecheckInterval must be positive (was {StreamRecheckInterval}).");
        }

        if (ResumeTokenLifetime <= TimeSpan.Zero)
        {
            problems.Add($"ResumeTokenLifetime must be positive (was {ResumeTokenLifetime}).");
        }

        return problems;
    }
}
