using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowMachine.Server.Tests.Support;

/// <summary>Small helpers for JSON requests and ProblemDetails answers.</summary>
internal static class Http
{
    public const string SeedRoutine = """{"name":"seed000","spec":{"label":"egg","tasks":["test.One","test.Two","test.Wait","test.Three"]}}""";

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>Asserts a 4xx ProblemDetails with the status and returns its body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        return problem;
    }

    /// <summary>Stores seed 000's routine and starts a flow of it as the given user.</summary>
    public static async Task<string> StartSeedFlowAsync(HttpClient client)
    {
        var saved = await client.PostJsonAsync("/api/v1/routines", SeedRoutine);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var started = await client.PostJsonAsync("/api/v1/flows", """{"routine":"seed000"}""");
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return (string)(await started.ReadObjectAsync())["id"]!;
    }

    /// <summary>Stores seed 000's routine (so routine cases find it) and returns a flow of <c>["noop"]</c> that has COMPLETED.</summary>
    public static async Task<string> SeedAndCompletedFlowAsync(HttpClient admin)
    {
        var saved = await admin.PostJsonAsync("/api/v1/routines", SeedRoutine);
        Assert.True(saved.IsSuccessStatusCode);
        var started = await admin.PostJsonAsync("/api/v1/flows", """{"spec":["noop"]}""");
        var id = (string)(await started.ReadObjectAsync())["id"]!;
        await ServerFixture.WaitForStateAsync(admin, id, "COMPLETED");
        return id;
    }
}
