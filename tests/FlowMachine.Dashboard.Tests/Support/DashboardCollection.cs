namespace FlowMachine.Dashboard.Tests.Support;

/// <summary>One server and one browser for every dashboard test (starting Chromium is the slow part).</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
