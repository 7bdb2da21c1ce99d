using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FlowMachine.Client.Tests.Support;

namespace FlowMachine.Cli.Tests.Support;

/// <summary>Users of a <c>flowmachine serve</c> process and their flows over HTTP: added with the CLI on its database, read with their keys.</summary>
internal static class ServeUsers
{
    /// <summary>Adds the user with <c>flowmachine users add</c> and returns its API key.</summary>
    public static async Task<string> UserAsync(this ServeProcess serve, string name)
    {
        var added = await CliAsync("users", "add", name, "--json", "--db", serve.DbPath);
        Assert.True(added.ExitCode == 0, added.ToString());
        return (string)JsonNode.Parse(added.Out)!["key"]!;
    }

    /// <summary>A client of the server that sends the key.</summary>
    public static HttpClient Http(this ServeProcess serve, string key)
    {
        var http = new HttpClient { BaseAddress = serve.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public static async Task<JsonNode> GetFlowAsync(this ServeProcess serve, string key, string id)
    {
        using var http = serve.Http(key);
        return JsonNode.Parse(await http.GetStringAsync("/api/v1/flows/" + id))!;
    }

    /// <summary>Polls the flow with the key until it is in <paramref name="state"/>, for up to 60 s.</summary>
    public static async Task<JsonNode> WaitForStateAsync(this ServeProcess serve, string key, string id, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var flow = await serve.GetFlowAsync(key, id);
            if ((string?)flow["state"] == state)
            {
                return flow;
            }

            Assert.True(DateTime.UtcNow < deadline, $"flow {id} is not {state}:\n{flow}\n{serve.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Runs <c>flowmachine ARGS</c> in process.</summary>
    public static async Task<CliResult> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
