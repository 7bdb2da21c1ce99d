namespace FlowMachine.Postgres.Tests;

/// <summary>A fact that needs the test server: skipped without it, except in CI where the test fails loudly.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.ConnectionString is null && !PostgresServer.InCi)
        {
            Skip = PostgresServer.Missing;
        }
    }
}
