using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>The command-receipt contract (<see cref="ICommandReceiptStore"/>): a key is claimed once, answers are kept for a while.</summary>
public abstract class CommandReceiptStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(24);

    [Fact]
    public async Task A_key_is_claimed_once_and_a_repeat_reads_the_answer()
    {
        var store = (ICommandReceiptStore)await NewStoreAsync();
        Assert.Null(await store.ClaimCommandReceiptAsync("alice\nk1", "POST /push", T0, Keep, None));

        // Claimed, not answered yet: a repeat sees the claim without an answer.
        Assert.Equal(new CommandReceipt("POST /push", null, null), await store.ClaimCommandReceiptAsync("alice\nk1", "POST /push", T0, Keep, None));

        await store.CompleteCommandReceiptAsync("alice\nk1", 202, """{"status":"accepted"}""", None);
        Assert.Equal(new CommandReceipt("POST /push", 202, """{"status":"accepted"}"""), await store.ClaimCommandReceiptAsync("alice\nk1", "POST /cancel", T0.AddHours(1), Keep, None));

        // Another key is its own.
        Assert.Null(await store.ClaimCommandReceiptAsync("bob\nk1", "POST /push", T0, Keep, None));
    }

    [Fact]
    public async Task A_forgotten_or_expired_key_can_be_claimed_again()
    {
        var store = (ICommandReceiptStore)await NewStoreAsync();
        Assert.Null(await store.ClaimCommandReceiptAsync("k1", "POST /push", T0, Keep, None));
        await store.ForgetCommandReceiptAsync("k1", None);
        Assert.Null(await store.ClaimCommandReceiptAsync("k1", "POST /push", T0, Keep, None));
        await store.CompleteCommandReceiptAsync("k1", 409, "{}", None);

        Assert.NotNull(await store.ClaimCommandReceiptAsync("k1", "POST /push", T0 + Keep, Keep, None));
        Assert.Null(await store.ClaimCommandReceiptAsync("k1", "POST /retry", T0 + Keep + TimeSpan.FromSeconds(1), Keep, None));
        Assert.Equal(new CommandReceipt("POST /retry", null, null), await store.ClaimCommandReceiptAsync("k1", "POST /retry", T0 + Keep + TimeSpan.FromSeconds(2), Keep, None));
    }

    [Fact]
    public async Task Of_claims_on_one_key_at_once_exactly_one_wins()
    {
        var store = (ICommandReceiptStore)await NewStoreAsync();
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.ClaimCommandReceiptAsync("k1", "POST /push", T0, Keep, None).AsTask()));
        Assert.Single(claims, c => c is null);
    }
}
