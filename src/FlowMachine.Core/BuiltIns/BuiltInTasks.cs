using FlowMachine.Registry;

namespace FlowMachine.BuiltIns;

/// <summary>Registers the task types that ship with FlowMachine.</summary>
public static class BuiltInTasks
{
    /// <summary>
    /// The names registered by <see cref="AddBuiltIns"/>: noop, print, log, wire, switch, delay, wait,
    /// done, kill, fail, flow, spread and http.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
        ["noop", "print", "log", "wire", "switch", "delay", "wait", "done", "kill", "fail", "flow", "spread", "http"];

    /// <summary>Registers every built-in task type in <paramref name="registry"/>.</summary>
    /// <returns>The same registry, for chaining.</returns>
    public static TaskRegistry AddBuiltIns(this TaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);

        // Explicit rather than reflection: the list is the contract and stays greppable.
        return registry
            .Register<NoopTask>()
            .Register<PrintTask>()
            .Register<WireTask>()
            .Register<SwitchTask>()
            .Register<DelayTask>()
            .Register<WaitTask>()
            .Register<DoneTask>()
            .Register<KillTask>()
            .Register<FailTask>()
            .Register<ChildFlowTask>()
            .Register<SpreadTask>()
            .Register<HttpTask>();
    }
}
