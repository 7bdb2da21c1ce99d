namespace FlowMachine.Postgres.Tests;

/// <summary>The throwaway server started by .ci/setup-postgres.sh, found through the environment.</summary>
internal static class PostgresServer
{
    public const string Missing = "FLOWMACHINE_TEST_PG is not set: .ci/setup-postgres.sh must run first";

    /// <summary>The connection string of the server's <c>postgres</c> superuser, or null.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable("FLOWMACHINE_TEST_PG") is { Length: > 0 } cs ? cs : null;

    /// <summary>In CI the tests must run for real: a missing server is a failure there, a skip elsewhere.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection string; fails the test when the server is missing.</summary>
    public static string Require()
    {
        if (ConnectionString is not { } cs)
        {
            Assert.Fail(Missing);
            throw new InvalidOperationException(Missing);
        }

        return cs;
    }
}
