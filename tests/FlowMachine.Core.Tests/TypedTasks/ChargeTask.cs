using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace FlowMachine.Tests.TypedTasks;

public enum Speed
{
    Standard,
    Express,
}

/// <summary>Params of <see cref="ChargeTask"/>: every kind the binder and the schema handle.</summary>
public sealed class ChargeParams
{
    [Description("The amount in cents.")]
    [Range(1, 1000)]
    public required int Amount { get; init; }

    [Required]
    [StringLength(3, MinimumLength = 3)]
    public string? Currency { get; init; }

    public Speed Speed { get; init; }

    [Display(Description = "Where the parcel goes.")]
    public Address? ShipTo { get; init; }

    public List<string>? Tags { get; init; }
}

public sealed class Address
{
    [Required]
    [RegularExpression("^[0-9]{5}$")]
    public string? Zip { get; init; }

    public string? City { get; init; }
}

public sealed record ChargeResult(string Receipt, int Amount, Speed Speed);

/// <summary>A typed task that echoes what it was given, and counts its runs.</summary>
[TaskType("t.typed.charge", Description = "Charges an amount.")]
public sealed class ChargeTask : FlowTask<ChargeParams, ChargeResult>
{
    private static int runs;

    public static int Runs => Volatile.Read(ref runs);

    protected override ValueTask<ChargeResult> PerformAsync(ChargeParams parameters, TaskContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref runs);
        return ValueTask.FromResult(new ChargeResult($"{parameters.Currency}-{parameters.Amount}-{parameters.ShipTo?.Zip}", parameters.Amount, parameters.Speed));
    }
}

public sealed class GateParams
{
    public bool Open { get; init; }
}

/// <summary>A typed task that decides the flow's next move: waits unless told the gate is open.</summary>
[TaskType("t.typed.gate")]
public sealed class GateTask : FlowTask<GateParams, Outcome>
{
    protected override ValueTask<Outcome> PerformAsync(GateParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Outcome>(parameters.Open ? Outcome.Done("through") : Outcome.Wait("gate closed"));
}
