using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>The routine contract (<see cref="IRoutineStore"/>): routines versioned by spec.</summary>
public abstract class RoutineStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    [Fact]
    public async Task Routines_are_versioned_by_spec()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetRoutineAsync("r", null, None));
        Assert.Empty(await store.ListRoutineVersionsAsync("r", None));

        var v1 = await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", "alice", T0, None);
        Assert.Equal(1, v1.Version);
        Assert.Equal("alice", v1.Owner);
        Assert.Equal(T0, v1.CreatedAt);

        var same = await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", "bob", T0.AddSeconds(1), None);
        Assert.Equal(v1, same);

        var v2 = await store.SaveRoutineAsync("r", """{"tasks":["a","b"]}""", "bob", T0.AddSeconds(2), None);
        Assert.Equal(2, v2.Version);
        await store.SaveRoutineAsync("b-routine", """{"tasks":[]}""", null, T0, None);
        await store.SaveRoutineAsync("a-routine", """{"tasks":[]}""", null, T0, None);

        Assert.Equal(v2, await store.GetRoutineAsync("r", null, None));
        Assert.Equal(v1, await store.GetRoutineAsync("r", 1, None));
        Assert.Null(await store.GetRoutineAsync("r", 3, None));
        Assert.Equal([1, 2], (await store.ListRoutineVersionsAsync("r", None)).Select(r => r.Version));

        var list = await store.ListRoutinesAsync(None);
        Assert.Equal(["a-routine", "b-routine", "r"], list.Select(r => r.Name));
        Assert.Equal(2, list[2].Version);

        // Back to the first spec is a change too: a new version.
        Assert.Equal(3, (await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", null, T0.AddSeconds(3), None)).Version);
    }

    [Fact]
    public async Task Saves_of_one_spec_at_once_make_one_version_and_of_other_specs_one_each()
    {
        var store = await NewStoreAsync();

        var same = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await store.SaveRoutineAsync("r", """{"tasks":["a"]}""", null, T0, None))));
        var other = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () => await store.SaveRoutineAsync("s", $$"""{"tasks":["a{{i}}"]}""", null, T0, None))));

        Assert.All(same, r => Assert.Equal(1, r.Version));
        Assert.Single(await store.ListRoutineVersionsAsync("r", None));
        Assert.Equal([1, 2, 3, 4, 5, 6], other.Select(r => r.Version).Order());
        Assert.Equal([1, 2, 3, 4, 5, 6], (await store.ListRoutineVersionsAsync("s", None)).Select(r => r.Version));
    }
}
