using System.Text.Json.Nodes;

namespace FlowMachine.Tests.BuiltIns;

/// <summary>Hand-built task contexts for calling tasks directly.</summary>
internal static class TestContexts
{
    /// <summary>
    /// A context whose params are <paramref name="parameters"/>: JSON text, a <see cref="JsonObject"/>,
    /// or any object (serialized like a task value).
    /// </summary>
    public static TaskContext For(
        object? parameters = null,
        JsonNode? input = null,
        JsonObject? data = null,
        IReadOnlyDictionary<string, JsonNode?>? results = null,
        JsonNode? args = null,
        int attempt = 1,
        string taskType = "test",
        ITaskLog? log = null,
        TimeProvider? time = null)
    {
        var node = parameters is string json ? JsonNode.Parse(json) : OutcomeJson.ToNode(parameters);
        return new TaskContext
        {
            FlowId = "flow-1",
            StepKey = "step",
            TaskType = taskType,
            Attempt = attempt,
            IdempotencyKey = $"flow-1/step/{attempt}",
            Input = input,
            Data = data ?? [],
            Results = results ?? new Dictionary<string, JsonNode?>(),
            Params = node as JsonObject ?? [],
            Args = args,
            Log = log ?? NullTaskLog.Instance,
            Time = time ?? TimeProvider.System,
        };
    }

    public static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString() ?? "null"}");

    public static string AssertFails(Outcome outcome, params string[] fragments)
    {
        var fail = Assert.IsType<FailOutcome>(outcome);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, fail.Error, StringComparison.Ordinal);
        }

        return fail.Error;
    }
}
