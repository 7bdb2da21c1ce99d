using FlowMachine.Storage;
using FlowMachine.Users;

namespace FlowMachine.Conformance;

/// <summary>
/// The behaviour every <see cref="IUserStore"/> must have: users, counts and key lookup by hash only.
/// A provider's test project subclasses this once and supplies a fresh, empty store per test.
/// </summary>
public abstract class UserStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    /// <summary>A new, empty user store; the suite calls <see cref="IUserStore.InitializeAsync"/> itself.</summary>
    protected abstract ValueTask<IUserStore> CreateStoreAsync();

    /// <summary>Runs after the test (dispose stores, delete files and the like).</summary>
    protected virtual ValueTask CleanupAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync() => await CleanupAsync();

    private async Task<IUserStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        await store.InitializeAsync(CancellationToken.None);
        await store.InitializeAsync(CancellationToken.None); // safe to call twice
        return store;
    }

    [Fact]
    public async Task Users_are_added_once_counted_and_listed_by_name()
    {
        var store = await NewStoreAsync();
        Assert.Equal(0, await store.CountUsersAsync(default));
        Assert.Empty(await store.ListUsersAsync(default));
        Assert.Null(await store.GetUserAsync("erin", default));

        Assert.True(await store.AddUserAsync(new UserRecord("erin", false, Now), default));
        Assert.True(await store.AddUserAsync(new UserRecord("Root", true, Now), default));
        Assert.False(await store.AddUserAsync(new UserRecord("erin", true, Now.AddDays(1)), default));

        Assert.Equal(2, await store.CountUsersAsync(default));
        Assert.Equal(["Root", "erin"], (await store.ListUsersAsync(default)).Select(u => u.Name)); // ordinal order
        Assert.Equal(new UserRecord("erin", false, Now), await store.GetUserAsync("erin", default));
        Assert.Equal(new UserRecord("Root", true, Now), await store.GetUserAsync("Root", default));
    }

    [Fact]
    public async Task Keys_find_their_user_by_hash_only()
    {
        var store = await NewStoreAsync();
        var key = await UserAccounts.AddUserAsync(store, "erin", isAdmin: false, Now);
        var adminKey = await UserAccounts.AddUserAsync(store, "root", isAdmin: true, Now);
        await Assert.ThrowsAsync<InvalidOperationException>(() => UserAccounts.AddUserAsync(store, "erin", isAdmin: true, Now));

        Assert.StartsWith(ApiKey.Marker, key, StringComparison.Ordinal);
        Assert.NotEqual(key, adminKey);
        Assert.Equal(new UserRecord("erin", false, Now), await UserAccounts.AuthenticateAsync(store, key));
        Assert.True((await UserAccounts.AuthenticateAsync(store, adminKey))!.IsAdmin);
        Assert.Null(await UserAccounts.AuthenticateAsync(store, key + "x"));
        Assert.Null(await UserAccounts.AuthenticateAsync(store, ""));
        Assert.Null(await store.FindUserByKeyHashAsync(new byte[32], default));
        Assert.Null(await store.FindUserByKeyHashAsync([1, 2, 3], default));
    }

    [Fact]
    public async Task A_key_needs_an_existing_user_and_a_user_may_have_many_keys()
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => UserAccounts.AddKeyAsync(store, "nobody", ApiKey.Generate(), Now).AsTask());
        Assert.Equal(0, await store.CountUsersAsync(default));

        var first = await UserAccounts.AddUserAsync(store, "erin", isAdmin: false, Now);
        var second = ApiKey.Generate();
        await UserAccounts.AddKeyAsync(store, "erin", second, Now);
        await UserAccounts.AddKeyAsync(store, "erin", second, Now); // the same key again changes nothing
        Assert.Equal("erin", (await UserAccounts.AuthenticateAsync(store, first))!.Name);
        Assert.Equal("erin", (await UserAccounts.AuthenticateAsync(store, second))!.Name);
    }

    [Fact]
    public async Task Rotating_replaces_every_key_of_the_user_with_one_new_key_and_leaves_others_alone()
    {
        var store = await NewStoreAsync();
        var first = await UserAccounts.AddUserAsync(store, "erin", isAdmin: false, Now);
        var second = ApiKey.Generate();
        await UserAccounts.AddKeyAsync(store, "erin", second, Now);
        var other = await UserAccounts.AddUserAsync(store, "root", isAdmin: true, Now);

        var rotated = await UserAccounts.RotateKeyAsync(store, "erin", Now.AddHours(1));

        Assert.NotNull(rotated);
        Assert.StartsWith(ApiKey.Marker, rotated, StringComparison.Ordinal);
        Assert.NotEqual(first, rotated);
        Assert.Null(await UserAccounts.AuthenticateAsync(store, first));
        Assert.Null(await UserAccounts.AuthenticateAsync(store, second));
        Assert.Equal(new UserRecord("erin", false, Now), await UserAccounts.AuthenticateAsync(store, rotated));
        Assert.Equal("root", (await UserAccounts.AuthenticateAsync(store, other))!.Name);

        var keys = await store.ListApiKeysAsync(default);
        Assert.Equal(["erin", "root"], keys.Select(k => k.UserName));
        Assert.Equal(ApiKey.Prefix(rotated), keys[0].Prefix);
        Assert.Equal(ApiKey.Hash(rotated), keys[0].Hash);
        Assert.Equal(Now.AddHours(1), keys[0].CreatedAt);

        Assert.Null(await UserAccounts.RotateKeyAsync(store, "nobody", Now));
        Assert.Equal(2, await store.CountUsersAsync(default));
        Assert.Equal(2, (await store.ListApiKeysAsync(default)).Count);
    }

    [Fact]
    public async Task Revoking_removes_every_key_of_the_user_and_keeps_the_user()
    {
        var store = await NewStoreAsync();
        var key = await UserAccounts.AddUserAsync(store, "erin", isAdmin: false, Now);
        var other = await UserAccounts.AddUserAsync(store, "root", isAdmin: true, Now);

        Assert.True(await UserAccounts.RevokeKeysAsync(store, "erin"));
        Assert.True(await UserAccounts.RevokeKeysAsync(store, "erin")); // again: nothing left to remove, still fine
        Assert.False(await UserAccounts.RevokeKeysAsync(store, "nobody"));

        Assert.Null(await UserAccounts.AuthenticateAsync(store, key));
        Assert.NotNull(await UserAccounts.AuthenticateAsync(store, other));
        Assert.Equal(new UserRecord("erin", false, Now), await store.GetUserAsync("erin", default));

        var listed = await UserAccounts.ListAsync(store);
        Assert.Equal(["erin", "root"], listed.Select(u => u.Name));
        Assert.Empty(listed[0].KeyPrefixes);
        Assert.Null(listed[0].LatestKeyAt);
        Assert.Equal([ApiKey.Prefix(other)], listed[1].KeyPrefixes);
        Assert.True(listed[1].IsAdmin);

        // A revoked user can be given a key again.
        var again = await UserAccounts.RotateKeyAsync(store, "erin", Now);
        Assert.Equal("erin", (await UserAccounts.AuthenticateAsync(store, again!))!.Name);
    }
}
