using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

public sealed class ServeAndUsersTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Users_add_prints_a_key_once_and_refuses_a_taken_name()
    {
        var added = await cli.RunAsync("users", "add", "alice");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Matches("fm_[A-Za-z0-9_-]{43}", added.Out);

        var (admin, json) = await cli.JsonAsync("users", "add", "root", "--admin");
        Assert.True(admin.ExitCode == 0, admin.ToString());
        Assert.Equal(true, (bool?)json["admin"]);
        Assert.StartsWith("fm_", (string?)json["key"], StringComparison.Ordinal);

        var again = await cli.RunAsync("users", "add", "alice");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("exists already", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_prints_the_admin_key_on_first_start_serves_the_api_and_stops_on_cancel()
    {
        var (_, user) = await cli.JsonAsync("users", "add", "carol", "--admin");
        var carolKey = (string)user["key"]!;

        var stdout = new LockedWriter();
        var stderr = new LockedWriter();
        using var stop = new CancellationTokenSource();
        var serving = CliApp.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--concurrency", "2", "--db", cli.Db], stdout, stderr, stop.Token);
        try
        {
            var address = await WaitForAsync(() => Regex.Match(stderr.Text, @"listening on (http://\S+)") is { Success: true } m ? m.Groups[1].Value : null, serving);

            // A user existed already, so no admin key is generated.
            Assert.DoesNotContain("fm_", stdout.Text, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/tasks")).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", carolKey);
            var tasks = await http.GetFromJsonAsync<JsonArray>("/api/v1/tasks");
            Assert.Contains(tasks!, t => (string?)t!["name"] == "test.Wait");

            var started = await http.PostAsync("/api/v1/flows", new StringContent("""{"spec":["test.One","test.Two"]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
            var id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
            await WaitForAsync(async () => (string?)(await http.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{id}"))!["state"] == "COMPLETED" ? "done" : null, serving);
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("server stopped", stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_an_empty_database_prints_a_generated_admin_key()
    {
        var stdout = new LockedWriter();
        var stderr = new LockedWriter();
        using var stop = new CancellationTokenSource();
        var serving = CliApp.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--db", cli.Db], stdout, stderr, stop.Token);
        try
        {
            var key = await WaitForAsync(() => Regex.Match(stdout.Text, "fm_[A-Za-z0-9_-]{43}") is { Success: true } m ? m.Value : null, serving);
            var address = await WaitForAsync(() => Regex.Match(stderr.Text, @"listening on (http://\S+)") is { Success: true } m ? m.Groups[1].Value : null, serving);
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/flows")).StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_says_so_in_one_line_exits_1_and_keeps_the_admin_key_for_the_next_start()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var refused = await cli.RunAsync("serve", "--urls", $"http://127.0.0.1:{port}");

        Assert.True(refused.ExitCode == 1, refused.ToString());
        var lines = refused.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains($"127.0.0.1:{port}", StringComparison.Ordinal) && l.Contains("in use", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("fm_", refused.Out, StringComparison.Ordinal);

        // No admin was created, so the next start on a free port prints its key.
        var stdout = new LockedWriter();
        var stderr = new LockedWriter();
        using var stop = new CancellationTokenSource();
        var serving = CliApp.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--db", cli.Db], stdout, stderr, stop.Token);
        try
        {
            await WaitForAsync(() => Regex.Match(stdout.Text, "fm_[A-Za-z0-9_-]{43}") is { Success: true } m ? m.Value : null, serving);

            // The key is printed while the server starts; a stop before it listens is an interruption (130), not this case.
            await WaitForAsync(() => stderr.Text.Contains("listening on ", StringComparison.Ordinal) ? "listening" : null, serving);
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Serve_refuses_a_missing_task_folder()
    {
        var result = await cli.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--tasks", Path.Combine(cli.Folder, "nope"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Err, StringComparison.Ordinal);
    }

    private static Task<string> WaitForAsync(Func<string?> probe, Task serving) => WaitForAsync(() => Task.FromResult(probe()), serving);

    private static async Task<string> WaitForAsync(Func<Task<string?>> probe, Task serving)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (serving.IsCompleted)
            {
                throw new InvalidOperationException($"serve ended early with {await (Task<int>)serving}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("serve did not get there in 30 s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A writer the server thread writes to while the test reads it.</summary>
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock gate = new();

        public string Text
        {
            get
            {
                lock (gate)
                {
                    return ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (gate)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (gate)
            {
                base.Write(buffer, index, count);
            }
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override void WriteLine(string? value)
        {
            lock (gate)
            {
                base.WriteLine(value);
            }
        }
    }
}
