using System.Reflection;

namespace FlowMachine.Server.Tests.Support;

/// <summary>The repository the tests were built from (the project file passes its folder in).</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
}
