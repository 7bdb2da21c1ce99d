using System.Net;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public sealed class HttpPolicyTests
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    public async Task Link_local_and_cloud_metadata_addresses_are_refused_by_default(string url)
    {
        var outcome = await new HttpTask().PerformAsync(For(new JsonObject { ["url"] = url, ["timeout"] = 5 }), default);

        var failed = Assert.IsType<FailOutcome>(outcome);
        Assert.Contains("link-local", failed.Error);
    }

    [Theory]
    [InlineData("api.example.org", null)]
    [InlineData("deep.svc.example.net", null)]
    [InlineData("example.net", "allow-list")]
    [InlineData("127.0.0.1", "allow-list")]
    public void An_allow_list_admits_only_the_hosts_it_names(string host, string? refusal)
    {
        var options = new HttpTaskOptions { AllowedHosts = { "api.example.org", "*.svc.example.net" } };

        var why = options.CheckHost(host);

        if (refusal is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(refusal, why);
        }
    }

    [Fact]
    public void Without_an_allow_list_any_host_is_allowed_and_only_link_local_addresses_are_refused()
    {
        var options = new HttpTaskOptions();
        Assert.Null(options.CheckHost("anything.example"));
        Assert.Null(options.CheckAddress(IPAddress.Loopback));
        Assert.Null(options.CheckAddress(IPAddress.Parse("10.1.2.3")));
        Assert.NotNull(options.CheckAddress(IPAddress.Parse("169.254.10.10")));
        Assert.NotNull(options.CheckAddress(IPAddress.Parse("::ffff:169.254.169.254")));
        Assert.Null(new HttpTaskOptions { BlockLinkLocal = false }.CheckAddress(IPAddress.Parse("169.254.169.254")));
    }
}
