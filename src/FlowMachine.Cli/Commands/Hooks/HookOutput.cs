using System.Globalization;
using FlowMachine.Cli.Output;
using FlowMachine.Hooks;
using Spectre.Console;

namespace FlowMachine.Cli.Commands.Hooks;

/// <summary>What the hook verbs print, and which option set each field the API names.</summary>
internal static class HookOutput
{
    /// <summary>"start.routine (--start): there is no routine …": the field as the API names it, and the option that set it.</summary>
    public static string Field(string field, string problem)
    {
        var option = field switch
        {
            "name" => "NAME",
            "start" or "start.routine" => "--start",
            "event" or "event.name" => "--event",
            "start.key" or "event.key" => "--key",
            "event.value" => "--value",
            _ when field.StartsWith("start.input", StringComparison.Ordinal) => "--input",
            _ => null,
        };
        return option is null ? $"{field}: {problem}" : $"{field} ({option}): {problem}";
    }

    /// <summary>"starts routine ship-order (input order=$body.order.id; key $body.order.id)" or "raises event shipment.packed with key $body.order".</summary>
    public static string Action(HookStart? start, HookEvent? raise)
    {
        if (start is not null)
        {
            var parts = new List<string>();
            if (start.Input is { Count: > 0 } input)
            {
                parts.Add("input " + string.Join(", ", input.Select(p => $"{p.Key}={p.Value}")));
            }

            if (start.Key is { } key)
            {
                parts.Add("key " + key);
            }

            return $"starts routine {start.Routine}{(parts.Count == 0 ? "" : $" ({string.Join("; ", parts)})")}";
        }

        return $"raises event {raise?.Name} with key {raise?.Key}{(raise?.Value is { } value ? $" and value {value}" : "")}";
    }

    /// <summary>The document (<c>--json</c>) or the verb's lines, then exit 0.</summary>
    public static async Task<int> WriteAsync<T>(TextWriter writer, bool json, T document, Func<Task> lines)
    {
        await (json ? JsonOutput.WriteDocumentAsync(writer, document) : lines()).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>The secret and where to post deliveries: after <c>hooks add</c> and <c>hooks rotate</c>.</summary>
    public static async Task WriteSecretAsync(TextWriter writer, string headline, string name, string secret, string url)
    {
        await writer.WriteLineAsync(headline).ConfigureAwait(false);
        await writer.WriteLineAsync($"secret  {secret}").ConfigureAwait(false);
        await writer.WriteLineAsync($"url     {url}{(url.StartsWith('/') ? "  (under the address the server is reached at)" : "")}").ConfigureAwait(false);
        await writer.WriteLineAsync($"the secret is shown only now: keep it (`flowmachine hooks rotate {name}` makes a new one). Sign each delivery with").ConfigureAwait(false);
        await writer.WriteLineAsync($"{HookProtocol.SignatureHeader}: {HookProtocol.SignaturePrefix}<hex HMAC-SHA256 of the raw body with the secret> and {HookProtocol.DeliveryHeader}: <a unique id>").ConfigureAwait(false);
    }

    public static async Task WriteListAsync(TextWriter writer, IReadOnlyList<HookDocument> hooks)
    {
        if (hooks.Count == 0)
        {
            await writer.WriteLineAsync("no hooks").ConfigureAwait(false);
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("name", "action", "owner", "created", "rotated", "url");
        foreach (var hook in hooks)
        {
            table.AddRow(Markup.Escape(hook.Name), Markup.Escape(Action(hook.Start, hook.Event)), Markup.Escape(hook.Owner), Time(hook.CreatedAt),
                hook.RotatedAt is { } rotated ? Time(rotated) : "-", Markup.Escape(hook.Url));
        }

        CliIO.ConsoleFor(writer).Write(table);
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
