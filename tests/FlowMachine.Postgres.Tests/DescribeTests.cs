namespace FlowMachine.Postgres.Tests;

/// <summary>How <c>serve</c> and <c>worker</c> name a PostgreSQL database: which one, never its password.</summary>
public sealed class DescribeTests
{
    [Theory]
    [InlineData("Host=db.internal;Port=5433;Username=app;Password=s3cret-pw;Database=flows", "PostgreSQL database 'flows' on db.internal:5433 as app")]
    [InlineData("postgres://app:s3cret-pw@db.internal:5433/flows?sslmode=disable", "PostgreSQL database 'flows' on db.internal:5433 as app")]
    [InlineData("Host=localhost;Username=postgres;Password=s3cret-pw", "PostgreSQL database 'postgres' on localhost:5432 as postgres")]
    public void A_database_is_named_by_name_host_and_user_and_never_by_its_password(string connectionString, string expected)
    {
        var described = PostgresStoreOptions.Describe(connectionString);
        Assert.Equal(expected, described);
        Assert.DoesNotContain("s3cret", described, StringComparison.Ordinal);
    }
}
