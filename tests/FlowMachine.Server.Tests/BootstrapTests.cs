using System.Net;
using System.Net.Http.Headers;
using FlowMachine.Examples;
using FlowMachine.Hosting;
using FlowMachine.Server.Tests.Support;

namespace FlowMachine.Server.Tests;

/// <summary>The first start without a configured key creates <c>admin</c> and prints its key once.</summary>
public sealed class BootstrapTests
{
    [Fact]
    public async Task First_start_prints_a_working_admin_key_once_and_a_restart_prints_none()
    {
        if (Environment.GetEnvironmentVariable(FlowMachineServerOptions.AdminKeyVariable) is { Length: > 0 })
        {
            Assert.Fail($"unset {FlowMachineServerOptions.AdminKeyVariable} to run this test");
        }

        using var folder = new TempFolder();
        var db = folder.File("bootstrap.db");
        var firstOutput = new StringWriter();
        var key = "";
        await using (var app = await StartAsync(db, firstOutput))
        {
            key = firstOutput.ToString().Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries).Single(w => w.StartsWith("fm_", StringComparison.Ordinal)).Trim();
            Assert.Equal(46, key.Length); // fm_ + 43 base64url characters of 32 bytes
            using var client = new HttpClient { BaseAddress = new Uri(FlowMachineServer.Addresses(app)[0]) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/tasks")).StatusCode);
            await app.StopAsync();
        }

        Assert.DoesNotContain(key, await File.ReadAllTextAsync(db), StringComparison.Ordinal); // only its hash is stored

        var secondOutput = new StringWriter();
        await using (var app = await StartAsync(db, secondOutput))
        {
            await app.StopAsync();
        }

        Assert.Equal("", secondOutput.ToString());
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(string db, TextWriter output)
    {
        var options = new FlowMachineServerOptions { ConsoleLogging = false, KeyOutput = output, RunWorker = false };
        options.Urls.Add("http://127.0.0.1:0");
        var app = FlowMachineServer.Build(options, flowMachine => flowMachine.UseSqlite(db).AddTasks(ExampleTasks.Assembly));
        await app.StartAsync();
        return app;
    }
}
