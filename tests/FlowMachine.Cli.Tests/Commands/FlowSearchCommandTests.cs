using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>--tag</c> on <c>run</c> and <c>start</c>; <c>flows list</c> filters; bad filters exit 1 naming the flag.</summary>
public sealed class FlowSearchCommandTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Tags_given_at_the_start_are_shown_and_found()
    {
        var ok = cli.WriteSpec("ok.yaml", "cfg: { tags: [spec-tag] }\ntasks: [noop]\n");
        var failing = cli.WriteSpec("fail.yaml", "tasks:\n  - { key: a, task_type: fail, task_params: { error: Gateway TIMEOUT on call } }\n");
        var (run, ran) = await cli.JsonAsync("run", ok, "--tag", "vip", "--tag", "eu");
        Assert.True(run.ExitCode == 0, run.ToString());
        var (start, started) = await cli.JsonAsync("start", ok);
        Assert.True(start.ExitCode == 0, start.ToString());
        var failed = await cli.RunAsync("run", failing, "--tag", "eu");
        Assert.NotEqual(0, failed.ExitCode);

        var id = (string)ran["id"]!;
        var (show, shown) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal(0, show.ExitCode);
        Assert.Equal(["eu", "spec-tag", "vip"], shown["tags"]!.AsArray().Select(t => (string)t!));
        var text = await cli.RunAsync("flows", "show", id);
        Assert.Contains("tags      eu, spec-tag, vip", text.Out, StringComparison.Ordinal);

        Assert.Equal([id], await IdsAsync("--tag", "vip"));
        Assert.Equal(2, (await IdsAsync("--tag", "eu")).Count);
        Assert.Equal(3, (await IdsAsync("--created-after", "2000-01-01T00:00:00Z")).Count);
        Assert.Empty(await IdsAsync("--created-before", "2000-01-01"));
        Assert.Single(await IdsAsync("--error", "gateway timeout"));
        Assert.Empty(await IdsAsync("--attr", "customer=42"));
        Assert.Contains((string)started["id"]!, await IdsAsync("--tag", "spec-tag"));
    }

    [Theory]
    [InlineData("--created-after", "yesterday")]
    [InlineData("--created-before", "2026-13-01")]
    [InlineData("--attr", "customer")]
    [InlineData("--tag", "                                                                                ")]
    public async Task A_bad_filter_exits_1_naming_the_flag(string flag, string value)
    {
        var result = await cli.RunAsync("flows", "list", flag, value);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(flag, result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_too_long_tag_at_the_start_exits_1_and_starts_nothing()
    {
        var ok = cli.WriteSpec("ok.yaml", "tasks: [noop]\n");
        var result = await cli.RunAsync("run", ok, "--tag", new string('x', 65));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("--tag", result.Err, StringComparison.Ordinal);
        Assert.Empty(await IdsAsync());
    }

    private async Task<List<string>> IdsAsync(params string[] filters)
    {
        var (result, json) = await cli.JsonAsync(["flows", "list", .. filters]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. json["items"]!.AsArray().Select(i => (string)i!["id"]!)];
    }
}
