namespace FlowMachine.TestHost;

/// <summary>One execution of a task recorded by <see cref="SpanLog"/>: its start and, unless its worker died in it, its end.</summary>
public sealed record Span(string Flow, string Step, DateTime Start, DateTime? End);
