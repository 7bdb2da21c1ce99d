using System.Reflection;

namespace FlowMachine.Routines;

/// <summary>The task type name of a task class: the first name of its <see cref="TaskTypeAttribute"/>.</summary>
internal static class TaskTypeNames
{
    public static string Of(Type type) =>
        type.GetCustomAttributes<TaskTypeAttribute>(inherit: false).FirstOrDefault()?.Name
        ?? throw new ArgumentException($"{type.FullName} has no [TaskType(\"...\")] attribute, so a routine cannot name it; add one or give the task type by name.", nameof(type));
}
