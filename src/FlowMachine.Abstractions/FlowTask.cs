namespace FlowMachine;

/// <summary>
/// A task with typed params and a typed result. The step's interpolated <c>task_params</c> are bound to
/// <typeparamref name="TParams"/> (camelCase names, enums by name or number; see <see cref="TaskParams"/>) and
/// validated with its DataAnnotations attributes before <see cref="PerformAsync(TParams, TaskContext, CancellationToken)"/>
/// runs: a param that does not bind or breaks a rule fails the step at once, without a retry, with a message
/// naming the param and the rule. The returned value becomes the step's result, serialized as
/// <see cref="Outcome.Result(object?)"/> does. Mark the class with <see cref="TaskTypeAttribute"/> as any task.
/// </summary>
/// <remarks>
/// To wait, finish the flow early, fail, kill or spawn, declare <typeparamref name="TResult"/> as
/// <see cref="Outcome"/> (or one of its subclasses): a returned <see cref="Outcome"/> is used as it is,
/// never wrapped in a result. The catalogue shows the params as a JSON Schema made from <typeparamref name="TParams"/>.
/// </remarks>
/// <typeparam name="TParams">The params: a class with settable or <c>required</c> init properties.</typeparam>
/// <typeparam name="TResult">The result, or <see cref="Outcome"/> to decide what the flow does next.</typeparam>
public abstract class FlowTask<TParams, TResult> : IFlowTask
    where TParams : class
{
    /// <summary>Binds and validates the params, runs the task and turns its value into the step's outcome.</summary>
    /// <exception cref="TaskParamException">A param does not bind or breaks a validation rule (a permanent step failure).</exception>
    public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = TaskParams.Bind<TParams>(context.Params);
        var value = await PerformAsync(parameters, context, cancellationToken).ConfigureAwait(false);
        return value as Outcome ?? Outcome.Result(value);
    }

    /// <summary>Runs the step with its bound and validated params.</summary>
    /// <param name="parameters">The step's <c>task_params</c>, interpolated, bound and validated.</param>
    /// <param name="context">The flow input, data, earlier results, the raw params and the attempt.</param>
    /// <param name="cancellationToken">Cancelled when the flow is cancelled, the step times out or the worker stops.</param>
    /// <returns>The step's result, or an <see cref="Outcome"/> when <typeparamref name="TResult"/> is one.</returns>
    protected abstract ValueTask<TResult> PerformAsync(TParams parameters, TaskContext context, CancellationToken cancellationToken);
}
