using System.Text.Json.Nodes;

namespace FlowMachine.Engine;

/// <summary>The engine's end of <see cref="TaskContext.ReportProgressAsync"/> and <see cref="TaskContext.HeartbeatAsync"/>: one per engine.</summary>
internal sealed class ProgressReporter(FlowEngine engine) : ITaskReporter
{
    public ValueTask ReportAsync(TaskContext context, JsonNode progress, CancellationToken cancellationToken)
    {
        var report = context.ReporterState as StepReport;
        if (report is null)
        {
            report = new StepReport(engine, context.FlowId, context.StepKey, null, default);
            context.ReporterState = report;
        }

        report.Beat();
        report.Offer(progress);
        return ValueTask.CompletedTask;
    }

    public void Heartbeat(TaskContext context) => (context.ReporterState as StepReport)?.Beat();
}
