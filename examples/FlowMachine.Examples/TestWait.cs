using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Examples;

/// <summary>
/// Seed task <c>test.Wait</c>: waits "for external"; a resubmit whose args carry <c>ok: true</c> completes it.
/// </summary>
[TaskType("test.Wait", Description = "Seed sample: waits for external input; resubmit with { ok: true } to continue.")]
public sealed class TestWait : ICheckableTask
{
    /// <inheritdoc/>
    public ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken)
    {
        context.Log.Info("test.Wait ran");
        return ValueTask.FromResult<Outcome>(Outcome.Wait("Wait for external"));
    }

    /// <inheritdoc/>
    public ValueTask<CheckResult> CheckAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var ok = context.Args is JsonObject args && args["ok"] is { } flag && flag.GetValueKind() == JsonValueKind.True;
        return ValueTask.FromResult(ok
            ? CheckResult.Ready(new { ok = true, checkedAt = context.Time.GetUtcNow() })
            : CheckResult.NotReady("check assert ready: False")); // the seed's wording
    }
}
