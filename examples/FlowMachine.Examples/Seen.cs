using System.Text.Json.Nodes;

namespace FlowMachine.Examples;

/// <summary>Builds the record the seed's test tasks return, so tests can see what a step received.</summary>
internal static class Seen
{
    public static JsonObject Record(string task, TaskContext context)
    {
        context.Log.Info($"{task} ran");
        return new JsonObject
        {
            ["task"] = task,
            ["input"] = context.Input?.DeepClone(),
            ["params"] = context.Params.DeepClone(),
            ["seen"] = new JsonArray([.. context.Results.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode?)JsonValue.Create(k))]),
            ["attempt"] = context.Attempt,
        };
    }
}
