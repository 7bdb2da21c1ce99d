using System.Reflection;

namespace FlowMachine.Routines;

/// <summary>The task type name of a task class: the first name of its <see cref="TaskTypeAttribute"/>.</summary>
internal static class TaskTypeNames
{
    public static string Of(Type type) =>
        type.GetCustomAttributes<TaskTypeAttribute>(inherit: false).FirstOrDefault()?.Name
        ?? throw new ArgumentException($"{type.FullName} has no [TaskType(\"...\")] attribute, so a routine cannot name it; add one or give the task type by name.", nameof(type));

    /// <summary>The result type of a <see cref="FlowTask{TParams, TResult}"/> subclass, or null for any other task.</summary>
    public static Type? ResultOf(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(FlowTask<,>))
            {
                return t.GetGenericArguments()[1];
            }
        }

        return null;
    }

    /// <exception cref="ArgumentException"><paramref name="task"/> is a typed task whose params are not <paramref name="parameters"/>.</exception>
    public static void CheckParams(Type task, Type parameters)
    {
        if (TaskParams.TypeOf(task) is { } declared && declared != parameters)
        {
            throw new ArgumentException($"{task.Name} takes {declared.Name} params, not {parameters.Name}.", nameof(parameters));
        }
    }
}
