using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Loader;

namespace FlowMachine.Registry;

/// <summary>
/// The task types a host knows: found by <see cref="TaskTypeAttribute"/> in assemblies, loaded from
/// plugin folders, or registered by hand. Safe to read from many threads.
/// </summary>
public sealed class TaskRegistry : ITaskCatalog
{
    private readonly ConcurrentDictionary<string, TaskTypeInfo> types = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IReadOnlyList<TaskTypeInfo> All => [.. types.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <inheritdoc/>
    public bool TryGet(string name, out TaskTypeInfo info) => types.TryGetValue(name, out info!);

    /// <summary>Registers a task type; a second registration of the same name replaces the first.</summary>
    public TaskRegistry Register(TaskTypeInfo info)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(info.Name);
        if (info.Queue is not null && Routing.QueueNames.Problem(info.Queue) is { } problem)
        {
            throw new ArgumentException($"Task type '{info.Name}': {problem}.", nameof(info));
        }

        types[info.Name] = info;
        return this;
    }

    /// <summary>Registers a task type under a name with a factory.</summary>
    public TaskRegistry Register(string name, Func<IFlowTask> factory, string? description = null) =>
        Register(new TaskTypeInfo { Name = name, Description = description, Factory = _ => factory() });

    /// <summary>Registers <typeparamref name="T"/> under each of its <see cref="TaskTypeAttribute"/> names.</summary>
    public TaskRegistry Register<T>()
        where T : IFlowTask => RegisterType(typeof(T), typeof(T).Assembly.GetName().Name);

    /// <summary>Registers every class in <paramref name="assembly"/> that carries <see cref="TaskTypeAttribute"/>.</summary>
    public TaskRegistry RegisterAssembly(Assembly assembly)
    {
        foreach (var type in SafeTypes(assembly))
        {
            if (type.IsClass && !type.IsAbstract && type.GetCustomAttributes<TaskTypeAttribute>().Any())
            {
                RegisterType(type, assembly.GetName().Name);
            }
        }

        return this;
    }

    /// <summary>
    /// Loads every <c>*.dll</c> in <paramref name="folder"/> as a plugin and registers its task types.
    /// FlowMachine's own assemblies are shared with the host, so plugin tasks implement the host's contract.
    /// </summary>
    /// <returns>The number of task types registered from the folder.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public int LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Task folder '{folder}' does not exist. Pass an existing folder of task assemblies.");
        }

        var before = types.Count;
        foreach (var file in Directory.EnumerateFiles(Path.GetFullPath(folder), "*.dll").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith("FlowMachine.", StringComparison.Ordinal) && IsHostAssembly(name))
            {
                continue;
            }

            var context = new PluginLoadContext(file);
            Assembly assembly;
            try
            {
                assembly = context.LoadFromAssemblyPath(file);
            }
            catch (BadImageFormatException)
            {
                continue; // a native library next to the plugin, not a .NET assembly
            }

            foreach (var type in SafeTypes(assembly))
            {
                if (type.IsClass && !type.IsAbstract && type.GetCustomAttributes<TaskTypeAttribute>().Any())
                {
                    RegisterType(type, file);
                }
            }
        }

        return types.Count - before;
    }

    private static bool IsHostAssembly(string name) =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == name);

    private TaskRegistry RegisterType(Type type, string? source)
    {
        if (!typeof(IFlowTask).IsAssignableFrom(type))
        {
            throw new InvalidOperationException($"{type.FullName} has [TaskType] but does not implement {nameof(IFlowTask)}.");
        }

        IReadOnlyList<TaskParamInfo> parameters = [.. type.GetCustomAttributes<TaskParamAttribute>()
            .Select(p => new TaskParamInfo(p.Name, p.Description, p.Required, p.Secret))];
        var paramsType = TaskParams.TypeOf(type);
        var schema = paramsType is null ? null : TaskParamsSchema.For(paramsType);
        if (paramsType is not null && parameters.Count == 0)
        {
            parameters = TaskParamsSchema.ParamsOf(paramsType, schema!);
        }

        var factory = CreateFactory(type);
        foreach (var attribute in type.GetCustomAttributes<TaskTypeAttribute>())
        {
            Register(new TaskTypeInfo
            {
                Name = attribute.Name,
                Description = attribute.Description,
                Params = parameters,
                ParamsSchema = schema,
                MaxAttempts = attribute.MaxAttempts,
                TimeoutSeconds = attribute.TimeoutSeconds,
                Queue = attribute.Queue,
                MaxConcurrency = attribute.MaxConcurrency,
                RateLimit = attribute.RateLimit,
                RatePeriodSeconds = attribute.RatePeriodSeconds,
                ClrType = type,
                Source = source,
                Factory = factory,
            });
        }

        return this;
    }

    private static Func<IServiceProvider?, IFlowTask> CreateFactory(Type type)
    {
        var constructors = type.GetConstructors();
        var parameterless = Array.Find(constructors, c => c.GetParameters().Length == 0);
        var withServices = constructors
            .Where(c => c.GetParameters().Length > 0)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();

        // A compiled constructor call: tasks are created once per step, so reflection would be a hot spot.
        var create = parameterless is null
            ? null
            : Expression.Lambda<Func<IFlowTask>>(Expression.Convert(Expression.New(parameterless), typeof(IFlowTask))).Compile();
        return services =>
        {
            if (withServices is not null && services is not null && CreateWithServices(withServices, services) is { } task)
            {
                return task;
            }

            return create is null
                ? throw new InvalidOperationException($"Task type {type.FullName} needs a public parameterless constructor or services for its constructor.")
                : create();
        };
    }

    // Apart from the factory: a lambda here capturing the services would allocate its closure at every step, services or not.
    private static IFlowTask? CreateWithServices(ConstructorInfo constructor, IServiceProvider services)
    {
        var parameters = constructor.GetParameters();
        var args = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            if ((args[i] = services.GetService(parameters[i].ParameterType)) is null)
            {
                return null;
            }
        }

        return (IFlowTask)constructor.Invoke(args);
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.Where(t => t is not null)!;
        }
    }

    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path), isCollectible: false)
    {
        private readonly AssemblyDependencyResolver resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Share the host's FlowMachine assemblies (and anything else already loaded) so types unify.
            if (Default.Assemblies.FirstOrDefault(a => a.GetName().Name == assemblyName.Name) is { } shared)
            {
                return shared;
            }

            var resolved = resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }
    }
}
