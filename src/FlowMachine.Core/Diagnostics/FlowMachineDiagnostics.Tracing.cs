using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FlowMachine.Storage;

namespace FlowMachine.Diagnostics;

// The spans: one when a flow is created (a child of the request that asked for it, or linked to the step that
// spawned it), one per step attempt (a child of the first, in whichever process runs it). Nothing is built when
// no listener samples FlowMachine.
public static partial class FlowMachineDiagnostics
{
    /// <summary>
    /// Records the creation of <paramref name="flow"/> as a span and returns its W3C traceparent, to be stored with the
    /// flow. A flow spawned by a step (<paramref name="spawnedBy"/> set) starts a trace of its own, linked to that step.
    /// Without a listener it keeps the context of the current request, if any, so that workers which trace still join it.
    /// </summary>
    internal static string? TraceStart(FlowRecord flow, ActivityContext spawnedBy)
    {
        var current = Activity.Current;
        if (!Source.HasListeners())
        {
            return spawnedBy == default && current is { IdFormat: ActivityIdFormat.W3C } ? current.Id : null;
        }

        var child = spawnedBy != default;
        if (child)
        {
            Activity.Current = null; // not a child of whatever this worker's thread runs in
        }

        try
        {
            using var span = Source.StartActivity(
                "start " + RoutineTag(flow),
                ActivityKind.Producer,
                parentContext: default,
                links: child ? [new ActivityLink(spawnedBy)] : null);
            if (span is null)
            {
                return !child && current is { IdFormat: ActivityIdFormat.W3C } ? current.Id : null;
            }

            span.SetTag("flowmachine.flow_id", flow.Id);
            span.SetTag("flowmachine.routine", RoutineTag(flow));
            if (flow.ParentFlowId is { } parent)
            {
                span.SetTag("flowmachine.parent_flow_id", parent);
                span.SetTag("flowmachine.parent_step", flow.ParentStepKey);
            }

            return span.Id;
        }
        finally
        {
            if (child)
            {
                Activity.Current = current;
            }
        }
    }

    /// <summary>The span of one step attempt, a child of the flow's stored trace context (null when nobody samples it).</summary>
    internal static Activity? StartStep(FlowRecord flow, TaskContext context)
    {
        var parent = FlowContext(flow);
        var activity = Source.StartActivity(context.TaskType, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("flowmachine.flow_id", context.FlowId);
            activity.SetTag("flowmachine.routine", RoutineTag(flow));
            activity.SetTag("flowmachine.step", context.StepKey);
            activity.SetTag("flowmachine.task_type", context.TaskType);
            activity.SetTag("flowmachine.attempt", context.Attempt);
        }

        return activity;
    }

    /// <summary>Ends a step's span with its outcome, and the error when it failed.</summary>
    internal static void EndStep(Activity activity, string outcome, Outcome result, Exception? exception)
    {
        activity.SetTag("flowmachine.outcome", outcome);
        if (result is FailOutcome failed)
        {
            activity.SetTag("error.type", exception?.GetType().FullName ?? "fail");
            activity.SetStatus(ActivityStatusCode.Error, failed.Error);
            if (exception is not null)
            {
                activity.AddException(exception);
            }
        }
    }

    /// <summary>
    /// Records a message from outside (a push, a resubmit, an event) as a span in the flow's trace, linked to the
    /// request that sent it: whoever reads the flow's trace finds the request, without anything stored.
    /// </summary>
    internal static void TraceMessage(FlowRecord flow, string name, string? stepKey)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        var parent = FlowContext(flow);
        var request = Activity.Current;
        using var span = Source.StartActivity(
            name,
            ActivityKind.Producer,
            parent,
            links: request is null ? null : [new ActivityLink(request.Context)]);
        if (span is not null)
        {
            span.SetTag("flowmachine.flow_id", flow.Id);
            span.SetTag("flowmachine.routine", RoutineTag(flow));
            if (stepKey is not null)
            {
                span.SetTag("flowmachine.step", stepKey);
            }
        }
    }

    /// <summary>
    /// The context the flow's spans hang under: the stored one, or for a flow whose start nobody traced one derived from
    /// its id, so that its steps still share one trace in every process (with a root span that was never recorded).
    /// </summary>
    private static ActivityContext FlowContext(FlowRecord flow)
    {
        if (ActivityContext.TryParse(flow.TraceParent, null, isRemote: true, out var stored))
        {
            return stored;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(flow.Id), hash);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash[..16]), ActivitySpanId.CreateFromBytes(hash.Slice(16, 8)), ActivityTraceFlags.Recorded, isRemote: true);
    }
}
