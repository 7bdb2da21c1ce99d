using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>The webhook contract (<see cref="IHookStore"/>): hooks by unique name, and each delivery id claimed once per hook, its answer kept for a while.</summary>
public abstract class HookStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(7);

    private static HookRecord Hook(string name, string owner = "alice") =>
        new(name, "s3cret-" + name, owner, """{"event":{"name":"paid","key":"$body.order"}}""", T0, null);

    [Fact]
    public async Task A_hook_is_stored_once_by_name_and_read_back_as_written()
    {
        var store = (IHookStore)await NewStoreAsync();
        Assert.True(await store.CreateHookAsync(Hook("orders"), None));
        Assert.False(await store.CreateHookAsync(Hook("orders", owner: "bob"), None));

        Assert.Equal(Hook("orders"), await store.GetHookAsync("orders", None));
        Assert.Null(await store.GetHookAsync("other", None));
    }

    [Fact]
    public async Task Hooks_are_listed_by_name_for_one_owner_or_all()
    {
        var store = (IHookStore)await NewStoreAsync();
        await store.CreateHookAsync(Hook("b", owner: "bob"), None);
        await store.CreateHookAsync(Hook("c"), None);
        await store.CreateHookAsync(Hook("a"), None);

        Assert.Equal(["a", "b", "c"], (await store.ListHooksAsync(null, None)).Select(h => h.Name));
        Assert.Equal(["a", "c"], (await store.ListHooksAsync("alice", None)).Select(h => h.Name));
        Assert.Empty(await store.ListHooksAsync("carol", None));
    }

    [Fact]
    public async Task A_rotation_replaces_the_secret_and_sets_the_time()
    {
        var store = (IHookStore)await NewStoreAsync();
        await store.CreateHookAsync(Hook("orders"), None);

        Assert.True(await store.RotateHookSecretAsync("orders", "new", T0.AddHours(1), None));
        Assert.Equal(Hook("orders") with { Secret = "new", RotatedAt = T0.AddHours(1) }, await store.GetHookAsync("orders", None));
        Assert.False(await store.RotateHookSecretAsync("other", "new", T0, None));
    }

    [Fact]
    public async Task A_delivery_is_claimed_once_per_hook_and_a_redelivery_reads_the_answer()
    {
        var store = (IHookStore)await NewStoreAsync();
        await store.CreateHookAsync(Hook("orders"), None);
        await store.CreateHookAsync(Hook("shipping"), None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "d1", T0, Keep, None));

        // Claimed, not answered yet: a redelivery sees the claim without an answer.
        Assert.Equal(new HookDelivery(null, null), await store.ClaimHookDeliveryAsync("orders", "d1", T0, Keep, None));

        await store.CompleteHookDeliveryAsync("orders", "d1", 200, """{"flowId":"f1"}""", None);
        Assert.Equal(new HookDelivery(200, """{"flowId":"f1"}"""), await store.ClaimHookDeliveryAsync("orders", "d1", T0.AddDays(1), Keep, None));

        // The same id at another hook is its own.
        Assert.Null(await store.ClaimHookDeliveryAsync("shipping", "d1", T0, Keep, None));
    }

    [Fact]
    public async Task A_forgotten_or_expired_delivery_can_be_claimed_again()
    {
        var store = (IHookStore)await NewStoreAsync();
        await store.CreateHookAsync(Hook("orders"), None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "d1", T0, Keep, None));
        await store.ForgetHookDeliveryAsync("orders", "d1", None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "d1", T0, Keep, None));
        await store.CompleteHookDeliveryAsync("orders", "d1", 400, "{}", None);

        Assert.NotNull(await store.ClaimHookDeliveryAsync("orders", "d1", T0 + Keep, Keep, None));
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "d1", T0 + Keep + TimeSpan.FromSeconds(1), Keep, None));
    }

    [Fact]
    public async Task The_purge_forgets_deliveries_received_before_the_cutoff()
    {
        var store = (IHookStore)await NewStoreAsync();
        await store.CreateHookAsync(Hook("orders"), None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "old", T0, Keep, None));
        await store.CompleteHookDeliveryAsync("orders", "old", 200, "{}", None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "new", T0.AddDays(2), Keep, None));

        Assert.Equal(1, await store.PurgeHookDeliveriesAsync(T0.AddDays(1), None));
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "old", T0.AddDays(2), Keep, None));
        Assert.NotNull(await store.ClaimHookDeliveryAsync("orders", "new", T0.AddDays(2), Keep, None));
    }

    [Fact]
    public async Task Deleting_a_hook_forgets_its_deliveries()
    {
        var store = (IHookStore)await NewStoreAsync();
        await store.CreateHookAsync(Hook("orders"), None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "d1", T0, Keep, None));
        await store.CompleteHookDeliveryAsync("orders", "d1", 200, "{}", None);

        Assert.True(await store.DeleteHookAsync("orders", None));
        Assert.False(await store.DeleteHookAsync("orders", None));
        Assert.Null(await store.GetHookAsync("orders", None));

        await store.CreateHookAsync(Hook("orders"), None);
        Assert.Null(await store.ClaimHookDeliveryAsync("orders", "d1", T0, Keep, None));
    }
}
