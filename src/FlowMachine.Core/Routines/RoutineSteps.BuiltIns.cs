using System.Text.Json.Nodes;

namespace FlowMachine.Routines;

// The built-in task types, each with its params in the order the spec reference lists them.
public abstract partial class RoutineSteps
{
    /// <summary>A <c>noop</c> step: completes with null (a join point, or a branch that does nothing).</summary>
    public StepBuilder Noop(string key) => BuiltIn(key, "noop", []);

    /// <summary>A <c>print</c> step: writes <paramref name="message"/> to the flow log; the result is the message.</summary>
    public StepBuilder Print(string key, object message) => BuiltIn(key, "print", new JsonObject { ["msg"] = SpecNodes.Value(message) });

    /// <summary>A <c>wait</c> step: waits for a push (or a resubmit with <c>{ ok: true }</c>), the named event, or a time.</summary>
    /// <param name="key">The step's key.</param>
    /// <param name="reason">Why the flow waits, shown to people.</param>
    /// <param name="eventName">An event that resumes the step with its value.</param>
    /// <param name="after">Resume by itself after this long.</param>
    public StepBuilder Wait(string key, string? reason = null, string? eventName = null, TimeSpan? after = null)
    {
        var parameters = new JsonObject();
        Set(parameters, "reason", reason);
        Set(parameters, "event", eventName);
        if (after is { } duration)
        {
            parameters["seconds"] = SpecNodes.Seconds(duration, nameof(after));
        }

        return BuiltIn(key, "wait", parameters);
    }

    /// <summary>
    /// A <c>wait</c> step for an event raised by correlation key (<c>POST /api/v1/events/NAME</c> with that key): the
    /// event's value becomes the step's result.
    /// </summary>
    /// <param name="key">The step's key.</param>
    /// <param name="eventName">The event's name.</param>
    /// <param name="correlationKey">The key the event must be raised with: a string, a number or a reference such as <c>Ref.Input("order")</c>.</param>
    /// <param name="reason">Why the flow waits, shown to people.</param>
    public StepBuilder WaitForEvent(string key, string eventName, object correlationKey, string? reason = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(correlationKey);
        var parameters = new JsonObject();
        Set(parameters, "reason", reason);
        parameters["event"] = eventName;
        parameters["key"] = SpecNodes.Value(correlationKey);
        return BuiltIn(key, "wait", parameters);
    }

    /// <summary>A <c>delay</c> step: a durable timer of <paramref name="duration"/>.</summary>
    public StepBuilder Delay(string key, TimeSpan duration) => BuiltIn(key, "delay", new JsonObject { ["seconds"] = SpecNodes.Seconds(duration, nameof(duration)) });

    /// <summary>A <c>delay</c> step until a time: a <see cref="DateTimeOffset"/>, or a <see cref="Ref"/> to one.</summary>
    public StepBuilder DelayUntil(string key, object until) => BuiltIn(key, "delay", new JsonObject { ["until"] = SpecNodes.Value(until) });

    /// <summary>A <c>switch</c> step on <paramref name="value"/> (usually a <see cref="Ref"/>): add its branches with <see cref="SwitchStepBuilder.Case"/> and <see cref="SwitchStepBuilder.Default"/>.</summary>
    public SwitchStepBuilder Switch(string key, object? value) =>
        Routine.Add(new SwitchStepBuilder(Routine, key, new JsonObject { ["value"] = SpecNodes.Value(value), ["cases"] = new JsonArray() }));

    /// <summary>A <c>spread</c> step: one <typeparamref name="TTask"/> per item of <paramref name="items"/> (each gets <c>item</c> and <c>index</c> too); the result is the list of results.</summary>
    public StepBuilder Spread<TTask>(string key, object items, object? parameters = null, int? maxItems = null)
        where TTask : IFlowTask
    {
        Routine.UsesTask(r => r.Register<TTask>());
        return SpreadType(key, items, TaskTypeNames.Of(typeof(TTask)), parameters, maxItems);
    }

    /// <summary>A <c>spread</c> step over a task type given by name.</summary>
    public StepBuilder SpreadType(string key, object items, string taskType, object? parameters = null, int? maxItems = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskType);
        var spread = new JsonObject { ["items"] = SpecNodes.Value(items), ["task_type"] = taskType };
        if (parameters is not null)
        {
            spread["params"] = SpecNodes.Params(parameters, nameof(parameters));
        }

        return BuiltIn(key, "spread", MaxItems(spread, maxItems));
    }

    /// <summary>A <c>spread</c> step: one child flow of the routine <paramref name="routine"/> per item, with the item as its input.</summary>
    public StepBuilder SpreadFlow(string key, object items, string routine, int? version = null, int? maxItems = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(routine);
        var spread = new JsonObject { ["items"] = SpecNodes.Value(items), ["routine"] = routine };
        Set(spread, "version", version);
        return BuiltIn(key, "spread", MaxItems(spread, maxItems));
    }

    /// <summary>A <c>flow</c> step: runs a child flow of the stored routine <paramref name="routine"/> and waits for it; its result is the step's result.</summary>
    public StepBuilder Flow(string key, string routine, object? input = null, int? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(routine);
        var flow = new JsonObject { ["routine"] = routine };
        Set(flow, "version", version);
        if (input is not null)
        {
            flow["input"] = SpecNodes.Value(input);
        }

        return BuiltIn(key, "flow", flow);
    }

    /// <summary>A <c>flow</c> step of a routine built in C#, by its name (store it too, with <c>AddRoutine</c>).</summary>
    public StepBuilder Flow(string key, RoutineDefinition routine, object? input)
    {
        ArgumentNullException.ThrowIfNull(routine);
        return Flow(key, routine.Name, input);
    }

    /// <summary>An <c>http</c> step: calls <paramref name="url"/>; the result is <c>{ status, headers, body }</c>.</summary>
    /// <param name="key">The step's key.</param>
    /// <param name="url">The absolute URL, or a <see cref="Ref"/> to one.</param>
    /// <param name="method">The method (default GET).</param>
    /// <param name="headers">Request headers.</param>
    /// <param name="body">The body: a string is sent as text, anything else as JSON.</param>
    /// <param name="timeout">How long the call may take (default 30 seconds).</param>
    /// <param name="expect">The status codes that count as success (default any 2xx).</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1054:URI-like parameters should not be strings", Justification = "A URL or a reference to one, such as $input.url.")]
    public StepBuilder Http(string key, string url, string? method = null, IReadOnlyDictionary<string, string>? headers = null, object? body = null, TimeSpan? timeout = null, IReadOnlyList<int>? expect = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var http = new JsonObject { ["url"] = url };
        Set(http, "method", method);
        if (headers is not null)
        {
            http["headers"] = SpecNodes.Value(headers);
        }

        if (body is not null)
        {
            http["body"] = SpecNodes.Value(body);
        }

        if (timeout is { } t)
        {
            http["timeout"] = SpecNodes.Seconds(t, nameof(timeout));
        }

        if (expect is not null)
        {
            http["expect"] = SpecNodes.Value(expect);
        }

        return BuiltIn(key, "http", http);
    }

    /// <summary>A <c>done</c> step: completes the flow early with <paramref name="value"/>.</summary>
    public StepBuilder Done(string key, object? value = null) => BuiltIn(key, "done", value is null ? [] : new JsonObject { ["value"] = SpecNodes.Value(value) });

    /// <summary>A <c>fail</c> step: fails with <paramref name="error"/>.</summary>
    public StepBuilder Fail(string key, string error) => BuiltIn(key, "fail", new JsonObject { ["error"] = error });

    /// <summary>A <c>kill</c> step: ends the flow KILLED with <paramref name="reason"/>.</summary>
    public StepBuilder Kill(string key, string reason) => BuiltIn(key, "kill", new JsonObject { ["reason"] = reason });

    private StepBuilder BuiltIn(string key, string type, JsonObject parameters) => Routine.Add(new StepBuilder(Routine, key, type, parameters));

    private static JsonObject MaxItems(JsonObject spread, int? maxItems)
    {
        Set(spread, "max_items", maxItems);
        return spread;
    }

    private static void Set<T>(JsonObject parameters, string name, T? value)
    {
        if (value is not null)
        {
            parameters[name] = SpecNodes.Value(value);
        }
    }
}
