using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowMachine.Server.Idempotency;

/// <summary>
/// Marks a command route that honours the <c>Idempotency-Key</c> header: the first answer under a key is kept and a
/// repeat gets it again without the command being applied twice (see <see cref="IdempotencyFilter"/>).
/// </summary>
internal sealed class IdempotentCommand
{
    /// <summary>The request header's name.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The response header set on a repeated answer.</summary>
    public const string ReplayedHeader = "Idempotency-Replayed";

    /// <summary>The longest key accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>How long an answer is kept.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromHours(24);

    public static readonly IdempotentCommand Instance = new();

    private IdempotentCommand()
    {
    }
}

/// <summary>Adds <see cref="IdempotencyFilter"/> to a command route.</summary>
internal static class IdempotentCommandExtensions
{
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>().WithMetadata(IdempotentCommand.Instance);
}
