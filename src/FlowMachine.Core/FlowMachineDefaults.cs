using System.Diagnostics.CodeAnalysis;

namespace FlowMachine;

/// <summary>
/// Every default setting of FlowMachine, written once and grouped as the options are: the engine, the worker
/// and specs. The options of a host (<c>FlowMachineOptions</c>), of the server and of the tool start from these.
/// </summary>
[SuppressMessage("Design", "CA1034:Nested types should not be visible", Justification = "The nested classes group the defaults as the options are grouped: FlowMachineDefaults.Engine.LeaseDuration.")]
public static class FlowMachineDefaults
{
    /// <summary>Defaults of the engine.</summary>
    public static class Engine
    {
        /// <summary>How long a lease lasts without a heartbeat: 30 seconds.</summary>
        public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

        /// <summary>The shortest lease a host accepts: 1 second.</summary>
        public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromSeconds(1);

        /// <summary>The largest step result in bytes of JSON: 1 MiB.</summary>
        public const long MaxResultBytes = 1024 * 1024;

        /// <summary>How many times a step's worker may be lost while running it before the step fails: 5.</summary>
        public const int MaxRecoveries = 5;

        /// <summary>How often an engine on a store with a clock (PostgreSQL) measures that clock again: 30 seconds.</summary>
        public static readonly TimeSpan ClockAlignmentInterval = TimeSpan.FromSeconds(30);

        /// <summary>How long a step refused a concurrency slot waits at most before it asks again, should its wake be lost: 30 seconds.</summary>
        public static readonly TimeSpan SlotWaitFallback = TimeSpan.FromSeconds(30);

        /// <summary>How long an event raised by key is kept for flows that wait for it later, and its id remembered: 24 hours.</summary>
        public static readonly TimeSpan KeptEventLifetime = TimeSpan.FromHours(24);
    }

    /// <summary>Defaults of a worker.</summary>
    public static class Worker
    {
        /// <summary>The most flows a worker may be set to run at once.</summary>
        public const int MaxConcurrency = 10_000;

        /// <summary>The longest a worker sleeps before looking at the store again: 1 second.</summary>
        public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

        /// <summary>How long running steps may go on after a stop is asked for: 10 seconds.</summary>
        public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

        /// <summary>How many flows a worker runs at once: 4 × cores, at least 4.</summary>
        public static int Concurrency => Math.Max(4, Environment.ProcessorCount * 4);

        /// <summary>How often a worker tells the registry it is alive: 10 seconds.</summary>
        public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

        /// <summary>A worker is live while its last heartbeat is younger than this: 30 seconds.</summary>
        public static readonly TimeSpan LiveFor = TimeSpan.FromSeconds(30);

        /// <summary>A worker silent for longer than this leaves the registry: 1 day.</summary>
        public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);
    }

    /// <summary>Defaults of the spec limits.</summary>
    public static class Specs
    {
        /// <summary>The largest spec in bytes: 1 MiB.</summary>
        public const long MaxBytes = 1024 * 1024;

        /// <summary>The most steps a spec may have: 10,000.</summary>
        public const int MaxSteps = 10_000;
    }

    /// <summary>Defaults of schedules.</summary>
    public static class Schedules
    {
        /// <summary>A slot later than this was missed and follows the catch-up policy: 60 seconds.</summary>
        public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(60);

        /// <summary>How long a worker holds a schedule it fires: 10 seconds.</summary>
        public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

        /// <summary>How many due schedules one claim takes: 256.</summary>
        public const int BatchSize = 256;

        /// <summary>How often a worker looks for schedules changed elsewhere: 1 second.</summary>
        public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

        /// <summary>The most slots one backfill starts: 10,000.</summary>
        public const int MaxBackfillSlots = 10_000;

        /// <summary>How many next fire times a schedule shows: 10.</summary>
        public const int ShownFireTimes = 10;
    }
}
