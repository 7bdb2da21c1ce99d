using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using FlowMachine;

namespace PluginTasks;

/// <summary>The params of <see cref="QuoteTask"/>: bound from task_params and validated before it runs.</summary>
public sealed class QuoteParams
{
    /// <summary>The product code.</summary>
    [Description("The product code, such as ab-12.")]
    [RegularExpression("^[a-z]{2}-[0-9]+$")]
    public required string Sku { get; init; }

    /// <summary>How many.</summary>
    [Description("How many to quote for.")]
    [Range(1, 100)]
    public int Quantity { get; init; } = 1;
}

/// <summary>What <see cref="QuoteTask"/> returns.</summary>
/// <param name="Sku">The product code.</param>
/// <param name="Total">The price in cents.</param>
public sealed record Quote(string Sku, int Total);

/// <summary>A typed task loaded from a plugin folder: its params schema shows in <c>flowmachine tasks</c>.</summary>
[TaskType("plugin.Quote", Description = "Quotes a price for task_params.quantity of task_params.sku.")]
public sealed class QuoteTask : FlowTask<QuoteParams, Quote>
{
    /// <inheritdoc/>
    protected override ValueTask<Quote> PerformAsync(QuoteParams parameters, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Quote(parameters.Sku, parameters.Quantity * 250));
}
