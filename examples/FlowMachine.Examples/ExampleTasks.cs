using System.Reflection;

namespace FlowMachine.Examples;

/// <summary>Entry point for hosts: register the sample tasks with <c>registry.RegisterAssembly(ExampleTasks.Assembly)</c>.</summary>
public static class ExampleTasks
{
    /// <summary>The assembly holding the sample task types.</summary>
    public static Assembly Assembly => typeof(ExampleTasks).Assembly;
}
