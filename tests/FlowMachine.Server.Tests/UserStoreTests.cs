using FlowMachine.Server.Tests.Support;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;
using FlowMachine.Users;

namespace FlowMachine.Server.Tests;

/// <summary>Both user stores: users, counts and key lookup by hash.</summary>
public sealed class UserStoreTests
{
    [Fact]
    public Task In_memory_store_finds_users_by_key_hash_only() => CheckAsync(new InMemoryUserStore());

    [Fact]
    public async Task Sqlite_store_finds_users_by_key_hash_only()
    {
        using var folder = new TempFolder();
        await using var flows = new SqliteFlowStore(new SqliteStoreOptions { Path = folder.File("users.db") });
        await CheckAsync(new SqliteUserStore(flows));
    }

    private static async Task CheckAsync(IUserStore store)
    {
        await store.InitializeAsync(default);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        Assert.Equal(0, await store.CountUsersAsync(default));
        var key = await UserAccounts.AddUserAsync(store, "erin", isAdmin: false, now);
        var adminKey = await UserAccounts.AddUserAsync(store, "root", isAdmin: true, now);
        await Assert.ThrowsAsync<InvalidOperationException>(() => UserAccounts.AddUserAsync(store, "erin", isAdmin: true, now));
        await Assert.ThrowsAsync<InvalidOperationException>(() => UserAccounts.AddKeyAsync(store, "nobody", ApiKey.Generate(), now).AsTask());

        Assert.StartsWith("fm_", key, StringComparison.Ordinal);
        Assert.NotEqual(key, adminKey);
        Assert.Equal(new UserRecord("erin", false, now), await UserAccounts.AuthenticateAsync(store, key));
        Assert.True((await UserAccounts.AuthenticateAsync(store, adminKey))!.IsAdmin);
        Assert.Null(await UserAccounts.AuthenticateAsync(store, key + "x"));
        Assert.Null(await UserAccounts.AuthenticateAsync(store, ""));
        Assert.Equal(2, await store.CountUsersAsync(default));
        Assert.Equal(["erin", "root"], (await store.ListUsersAsync(default)).Select(u => u.Name));
        Assert.Equal("root", (await store.GetUserAsync("root", default))!.Name);
    }
}
