using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>
/// Typed results for every <see cref="IFlowClient"/>: the in-process client, the HTTP client and the testing
/// kit's. Values are read with <see cref="TaskParams.Options"/>: camelCase names, enums by name or number.
/// </summary>
public static class FlowResults
{
    /// <summary>The result of a COMPLETED flow read as <typeparamref name="T"/>; default when the flow completed with no result (null).</summary>
    /// <exception cref="KeyNotFoundException">There is no flow <paramref name="flowId"/>.</exception>
    /// <exception cref="InvalidOperationException">The flow is not COMPLETED (the message names its state, and its error when it ended without a result).</exception>
    /// <exception cref="JsonException">The result cannot be read as <typeparamref name="T"/>.</exception>
    public static async Task<T?> GetResultAsync<T>(this IFlowClient client, string flowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var view = await FindAsync(client, flowId, cancellationToken).ConfigureAwait(false);
        var flow = view.Flow;
        if (flow.State != FlowState.Completed)
        {
            var why = flow.Error is null ? "" : $" ({flow.Error})";
            throw new InvalidOperationException($"Flow {flowId} is {flow.State.ToName()}{why}, not COMPLETED: it has no result{(flow.State.IsTerminal() ? "" : " yet")}.");
        }

        return Read<T>(flow.Result, $"the result of flow {flowId}");
    }

    /// <summary>The result of a COMPLETED step of a flow read as <typeparamref name="T"/>; default when the step completed with no result (null).</summary>
    /// <exception cref="KeyNotFoundException">There is no flow <paramref name="flowId"/>, or it has no step <paramref name="stepKey"/>.</exception>
    /// <exception cref="InvalidOperationException">The step is not COMPLETED (the message names its state).</exception>
    /// <exception cref="JsonException">The result cannot be read as <typeparamref name="T"/>.</exception>
    public static async Task<T?> GetStepResultAsync<T>(this IFlowClient client, string flowId, string stepKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var step = (await FindAsync(client, flowId, cancellationToken).ConfigureAwait(false)).Step(stepKey);
        if (step.State != StepState.Completed)
        {
            var why = step.Error is null ? "" : $" ({step.Error})";
            throw new InvalidOperationException($"Step '{stepKey}' of flow {flowId} is {step.State.ToName()}{why}, not COMPLETED: it has no result{(step.State.IsFinished() ? "" : " yet")}.");
        }

        return Read<T>(step.Result, $"the result of step '{stepKey}' of flow {flowId}");
    }

    private static async Task<FlowView> FindAsync(IFlowClient client, string flowId, CancellationToken cancellationToken) =>
        await client.GetAsync(flowId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Flow {flowId} does not exist.");

    private static T? Read<T>(JsonNode? node, string what)
    {
        try
        {
            return node is null ? default : node.Deserialize<T>(TaskParams.Options);
        }
        catch (JsonException ex)
        {
            throw new JsonException($"{what} cannot be read as {typeof(T).Name}: {ex.Message}", ex.Path, ex.LineNumber, ex.BytePositionInLine, ex);
        }
    }
}
