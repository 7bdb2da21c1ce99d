using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The tag and attribute tables: added to an older file without touching its flows, and read by their own indexes.</summary>
public sealed class SqliteSearchTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_file_from_the_version_before_the_search_tables_upgrades_and_its_flows_get_attributes()
    {
        var path = temp.PathOf();
        SqliteFiles.CreateBefore(path, "CREATE TABLE IF NOT EXISTS flow_tags", "old", "PENDING");

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));
        var old = (await store.GetFlowAsync("old", CancellationToken.None))!;
        Assert.Empty(old.Tags);
        Assert.Empty(old.Attributes);
        var claimed = (await store.ClaimFlowAsync("old", "w1", DateTimeOffset.FromUnixTimeMilliseconds(2000), Lease, CancellationToken.None))!;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Attributes = new Dictionary<string, string> { ["customer"] = "42" } }, CancellationToken.None);
        var found = await store.ListFlowsAsync(new FlowQuery { Attribute = new("customer", "42") }, CancellationToken.None);
        Assert.Equal(["old"], found.Items.Select(f => f.Id));
    }

    [Theory]
    [InlineData("tag", "flow_tags_find")]
    [InlineData("attr", "flow_attributes_find")]
    [InlineData("tag+state+range", "flow_tags_find")]
    public async Task A_page_filtered_by_tag_or_attribute_reads_its_index_in_order_without_scanning_or_sorting(string filter, string index)
    {
        var path = temp.PathOf();
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        var query = filter switch
        {
            "tag" => new FlowQuery { Tag = "vip" },
            "attr" => new FlowQuery { Attribute = new("customer", "42") },
            _ => new FlowQuery { Tag = "vip", State = FlowState.Failed, CreatedAfter = DateTimeOffset.UnixEpoch, CreatedBefore = DateTimeOffset.UtcNow },
        };

        var (sql, parameters) = SqliteFlowStore.ListStatement(query);
        using var connection = SqliteFiles.Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("@" + name, value);
        }

        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        output.WriteLine(string.Join("\n", plan));
        Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
        Assert.Contains(plan, line => line.StartsWith("SEARCH flows USING", StringComparison.Ordinal)); // each row's flow by its id
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN flows", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
        SqliteConnection.ClearAllPools();
    }
}
