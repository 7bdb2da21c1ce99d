namespace FlowMachine;

/// <summary>The answer to a command: its status and, when refused, why.</summary>
public readonly record struct CommandResult(CommandStatus Status, string? Message)
{
    public static CommandResult Accepted { get; } = new(CommandStatus.Accepted, null);
}
