using System.CommandLine;
using System.Globalization;
using FlowMachine.Cli.Hosting;
using FlowMachine.Cli.Output;
using FlowMachine.Diagnosis;

namespace FlowMachine.Cli.Commands.Flows;

/// <summary><c>flowmachine flows why ID</c>: why the flow is not moving and what would move it.</summary>
internal static class FlowsWhyCommand
{
    public static Command Create(CliIO io, GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The flow's id." };
        var json = JsonFlag.Create();
        var command = new Command("why", "Say why a flow is not moving and what would move it, with the facts behind it.") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            var flowId = parse.GetRequiredValue(id);
            var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
            await using var hostScope = host.ConfigureAwait(false);
            var diagnosis = await host.Diagnoser.DiagnoseAsync(flowId, ct).ConfigureAwait(false)
                ?? throw new UsageException($"flow {flowId} does not exist");
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteDocumentAsync(io.Out, diagnosis).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await io.Out.WriteLineAsync(diagnosis.Summary).ConfigureAwait(false);
            await io.Out.WriteLineAsync().ConfigureAwait(false);
            foreach (var (name, value) in Facts(diagnosis))
            {
                await io.Out.WriteLineAsync($"{name,-12} {value}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static IEnumerable<(string Name, string Value)> Facts(FlowDiagnosis d)
    {
        var f = d.Facts;
        yield return ("flow", d.FlowId);
        yield return ("state", d.State);
        yield return ("kind", d.Kind);
        var lines = new (string Name, string? Value)[]
        {
            ("step", f.StepKey),
            ("reason", f.WaitReason),
            ("since", Time(f.Since)),
            ("due at", Time(f.DueAt)),
            ("deadline", Time(f.Deadline)),
            ("event", f.Event),
            ("other events", f.OtherEvents is null ? null : string.Join(", ", f.OtherEvents.Select(e => $"{e.Name} ({Time(e.At)})"))),
            ("children", f.Children is null ? null : string.Join(", ", f.Children.Select(c => $"{c.FlowId} ({c.State ?? "gone"})"))),
            ("worker", f.Worker is null ? null : f.Worker + (f.WorkerLive switch { true => " (live)", false => " (silent)", null => " (not registered)" })),
            ("heartbeat", Time(f.WorkerHeartbeatAt)),
            ("lease until", Time(f.LeaseExpiresAt)),
            ("needs", f.Needs is null || f.Needs.Count == 0 ? null : string.Join(", ", f.Needs.Select(n => $"queue {n.Queue} / {n.TaskType} ({n.LiveWorkers} live)"))),
            ("live workers", f.LiveWorkers?.ToString(CultureInfo.InvariantCulture)),
            ("limit key", f.LimitKey),
            ("held by", f.Holders is null ? null : string.Join(", ", f.Holders.Select(h => $"{h.FlowId}/{h.StepKey}" + (h.Worker is null ? "" : $" ({h.Worker})")))),
            ("routine", f.Routine),
        };
        foreach (var (name, value) in lines)
        {
            if (value is not null)
            {
                yield return (name, value);
            }
        }

        foreach (var c in f.Commands ?? [])
        {
            yield return ("try", c);
        }
    }

    internal static string? Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
