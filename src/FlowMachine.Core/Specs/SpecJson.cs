using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>
/// The canonical stored form of a validated spec: the spec format's own snake_case JSON with every
/// precursor list explicit, so a stored spec reloads to the same steps without re-resolving defaults
/// and without a task catalog.
/// </summary>
public static class SpecJson
{
    /// <summary>Writes <paramref name="spec"/> as compact canonical JSON: fixed field order, explicit precursors, nulls left out.</summary>
    public static string Serialize(FlowSpec spec) => Serialize(spec, indented: false);

    /// <summary>Writes <paramref name="spec"/> as canonical JSON, optionally indented for people (then with quotes, &lt; and + as written).</summary>
    public static string Serialize(FlowSpec spec, bool indented)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = indented ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null }))
        {
            writer.WriteStartObject();
            if (spec.Label is not null)
            {
                writer.WriteString("label", spec.Label);
            }

            if (spec.Key is not null)
            {
                writer.WriteString("key", spec.Key);
            }

            writer.WriteStartObject("cfg");
            writer.WriteBoolean("fail_fast", spec.Cfg.FailFast);
            WriteRetry(writer, spec.Cfg.Retry);
            WriteTimeout(writer, spec.Cfg.TimeoutSeconds);
            WriteScheduleToStart(writer, spec.Cfg.ScheduleToStartSeconds);
            if (spec.Cfg.DeadlineSeconds is { } deadline)
            {
                writer.WriteNumber("deadline", deadline);
            }

            WriteSeconds(writer, "heartbeat_timeout", spec.Cfg.HeartbeatTimeoutSeconds);
            WriteTags(writer, spec.Cfg.Tags);
            if (spec.Cfg.Priority is { } priority)
            {
                // Only when set, so the text (and hash) of a spec without it stays as it was.
                writer.WriteNumber("priority", priority);
            }

            WriteLimits(writer, spec.Cfg.Concurrency, spec.Cfg.Rate);
            writer.WriteEndObject();

            writer.WritePropertyName("data");
            spec.Data.WriteTo(writer);

            writer.WriteStartArray("tasks");
            foreach (var step in spec.Tasks)
            {
                writer.WriteStartObject();
                writer.WriteString("key", step.Key);
                writer.WriteString("task_type", step.TaskType);
                writer.WritePropertyName("task_params");
                step.TaskParams.WriteTo(writer);

                // Always explicit: [] is ROOT, so the default "follow the previous task" never applies on reload.
                writer.WriteStartArray("precursors");
                foreach (var precursor in step.Precursors)
                {
                    writer.WriteStringValue(precursor);
                }

                writer.WriteEndArray();
                WriteRetry(writer, step.Retry);
                WriteTimeout(writer, step.TimeoutSeconds);
                WriteScheduleToStart(writer, step.ScheduleToStartSeconds);
                WriteSeconds(writer, "heartbeat_timeout", step.HeartbeatTimeoutSeconds);
                if (step.Queue is not null)
                {
                    writer.WriteString("queue", step.Queue);
                }

                WriteLimits(writer, step.Concurrency, step.Rate);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a spec written by <see cref="Serialize(FlowSpec)"/>. Task types are not checked against a catalog.</summary>
    /// <exception cref="SpecException">The JSON is malformed or not a valid spec; the message names the path.</exception>
    public static FlowSpec Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = SpecCompiler.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new SpecException("The stored spec is not valid JSON: " + ex.Message, ex);
        }

        return SpecCompiler.CompileTrusted(node).GetOrThrow();
    }

    private static void WriteRetry(Utf8JsonWriter writer, RetrySpec? retry)
    {
        if (retry is null)
        {
            return;
        }

        writer.WriteStartObject("retry");
        writer.WriteNumber("attempts", retry.MaxAttempts);
        writer.WriteNumber("delay", retry.DelaySeconds);
        writer.WriteNumber("factor", retry.Factor);
        writer.WriteNumber("max_delay", retry.MaxDelaySeconds);
        writer.WriteEndObject();
    }

    // Written only when there are tags, so the text (and hash) of a spec without them stays as it was.
    private static void WriteTags(Utf8JsonWriter writer, IReadOnlyList<string> tags)
    {
        if (tags.Count > 0)
        {
            writer.WriteStartArray("tags");
            foreach (var tag in tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        }
    }

    // Written only when given, so the text (and hash) of a spec without limits stays as it was.
    private static void WriteLimits(Utf8JsonWriter writer, ConcurrencySpec? concurrency, RateSpec? rate)
    {
        if (concurrency is not null)
        {
            writer.WriteStartObject("concurrency");
            if (concurrency.Key is not null)
            {
                writer.WriteString("key", concurrency.Key);
            }

            writer.WriteNumber("limit", concurrency.Limit);
            writer.WriteEndObject();
        }

        if (rate is not null)
        {
            writer.WriteStartObject("rate");
            writer.WriteNumber("limit", rate.Limit);
            writer.WriteNumber("per", rate.PerSeconds);
            if (rate.Key is not null)
            {
                writer.WriteString("key", rate.Key);
            }

            writer.WriteEndObject();
        }
    }

    private static void WriteScheduleToStart(Utf8JsonWriter writer, double? seconds) => WriteSeconds(writer, "schedule_to_start", seconds);

    private static void WriteSeconds(Utf8JsonWriter writer, string name, double? seconds)
    {
        if (seconds is { } value)
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void WriteTimeout(Utf8JsonWriter writer, double? seconds)
    {
        if (seconds is { } value)
        {
            writer.WriteNumber("timeout", value);
        }
    }
}
