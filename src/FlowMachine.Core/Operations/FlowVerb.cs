using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace FlowMachine.Operations;

/// <summary>A command on one flow, as a caller asks for it on any surface.</summary>
/// <param name="FlowId">The flow.</param>
[SuppressMessage("Design", "CA1034:Nested types should not be visible", Justification = "The verbs are a closed set, written as FlowVerb.Push(...) at every surface.")]
[SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "FlowVerb.Event names the event verb of the API and CLI; it is always qualified by FlowVerb.")]
public abstract record FlowVerb(string FlowId)
{
    /// <summary>The verb's name: submit, push, event, cancel, reset, retry or position.</summary>
    public abstract string Name { get; }

    /// <summary>Whether only administrators may use the verb.</summary>
    public virtual bool AdminOnly => false;

    /// <summary>Resubmit: the waiting step's check runs with <paramref name="Args"/>.</summary>
    public sealed record Submit(string FlowId, JsonNode? Args, string? Step) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "submit";
    }

    /// <summary>Force-step: <paramref name="Value"/> becomes the waiting step's result.</summary>
    public sealed record Push(string FlowId, JsonNode? Value, string? Step) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "push";
    }

    /// <summary>Raise the event <paramref name="EventName"/>, kept until the flow waits for it.</summary>
    public sealed record Event(string FlowId, string? EventName, JsonNode? Value) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "event";
    }

    /// <summary>Cancel the flow.</summary>
    public sealed record Cancel(string FlowId, string? Reason) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "cancel";
    }

    /// <summary>Restart the flow from its first step.</summary>
    public sealed record Reset(string FlowId) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "reset";
    }

    /// <summary>Retry an ended flow from where it stopped.</summary>
    public sealed record Retry(string FlowId) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "retry";
    }

    /// <summary>Move the flow's position to the step at <paramref name="Index"/> (administrators only).</summary>
    public sealed record Position(string FlowId, int Index) : FlowVerb(FlowId)
    {
        /// <inheritdoc/>
        public override string Name => "position";

        /// <inheritdoc/>
        public override bool AdminOnly => true;
    }
}
