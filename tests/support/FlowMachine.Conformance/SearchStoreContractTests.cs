using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// Finding flows: tags given at creation, attributes committed by steps, and the list filters on them,
/// the creation time and the error text, paged by the same keyset as every list.
/// </summary>
public abstract class SearchStoreContractTests(ContractStores source) : FlowStoreContractTests(source)
{
    [Fact]
    public async Task Tags_are_kept_from_creation_and_attributes_from_each_commit()
    {
        var store = await NewStoreAsync();
        var flow = MakeFlow("f1", key: "k1", nextRunAt: T0);
        flow.Flow.Tags = ["vip", "eu"];
        await store.CreateFlowAsync(flow, None);

        await CommitAttributesAsync(store, "f1", new() { ["customer"] = "42", ["region"] = "north" });
        await CommitAttributesAsync(store, "f1", new() { ["customer"] = "43", ["plan"] = "gold" });
        await CommitAttributesAsync(store, "f1", []);

        foreach (var read in new[] { await store.GetFlowAsync("f1", None), await store.GetFlowByKeyAsync("k1", None) })
        {
            Assert.NotNull(read);
            Assert.Equal(["eu", "vip"], read.Tags.Order(StringComparer.Ordinal));
            Assert.Equal(
                [new("customer", "43"), new("plan", "gold"), new("region", "north")],
                read.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList());
        }

        // A flow without either reads as empty, not null.
        await store.CreateFlowAsync(MakeFlow("f2"), None);
        var plain = await store.GetFlowAsync("f2", None);
        Assert.Empty(plain!.Tags);
        Assert.Empty(plain.Attributes);
    }

    [Fact]
    public async Task Search_filters_combine_with_each_other_and_with_paging()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 90; i++)
        {
            var flow = MakeFlow($"f{i:D3}", createdAt: T0.AddSeconds(i / 2), nextRunAt: T0, state: i % 5 == 0 ? FlowState.Failed : FlowState.Pending, steps: 1);
            flow.Flow.Tags = i % 3 == 0 ? ["vip", "eu"] : i % 3 == 1 ? ["eu"] : [];
            flow.Flow.Error = i % 5 == 0 ? $"Step s0 failed: HTTP 50{i % 2} from the 100%_gateway" : null;
            await store.CreateFlowAsync(flow, None);
            if (i % 4 == 0)
            {
                await CommitAttributesAsync(store, flow.Flow.Id, new() { ["customer"] = (i % 8 == 0 ? 42 : 7).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }

        Task<List<string>> AllAsync(FlowQuery query) => ListAllAsync(store, query, pageSize: 4);

        List<string> Expect(Func<int, bool> match) =>
            [.. Enumerable.Range(0, 90).Where(match).Reverse().Select(i => $"f{i:D3}")];

        var customer42 = new KeyValuePair<string, string>("customer", "42");
        Assert.Equal(Expect(i => i % 3 == 0), await AllAsync(new FlowQuery { Tag = "vip" }));
        Assert.Equal(Expect(i => i % 3 != 2), await AllAsync(new FlowQuery { Tag = "eu" }));
        Assert.Empty(await AllAsync(new FlowQuery { Tag = "VIP" }));
        Assert.Equal(Expect(i => i % 8 == 0), await AllAsync(new FlowQuery { Attribute = customer42 }));
        Assert.Empty(await AllAsync(new FlowQuery { Attribute = new("customer", "4") }));
        Assert.Equal(Expect(i => i % 24 == 0), await AllAsync(new FlowQuery { Tag = "vip", Attribute = customer42 }));
        Assert.Equal(Expect(i => i % 15 == 0), await AllAsync(new FlowQuery { Tag = "vip", State = FlowState.Failed }));

        // The created range: from (inclusive) to (exclusive), alone and behind a tag or an attribute.
        var from = T0.AddSeconds(10);
        var to = T0.AddSeconds(30);
        Assert.Equal(Expect(i => i / 2 >= 10 && i / 2 < 30), await AllAsync(new FlowQuery { CreatedAfter = from, CreatedBefore = to }));
        Assert.Equal(Expect(i => i / 2 >= 30), await AllAsync(new FlowQuery { CreatedAfter = T0.AddSeconds(30) }));
        Assert.Equal(Expect(i => i / 2 < 10 && i % 3 == 0), await AllAsync(new FlowQuery { CreatedBefore = from, Tag = "vip" }));
        Assert.Equal(Expect(i => i / 2 >= 10 && i / 2 < 30 && i % 8 == 0), await AllAsync(new FlowQuery { CreatedAfter = from, CreatedBefore = to, Attribute = customer42 }));

        // The error text: anywhere in the error, ASCII case ignored, % and _ taken literally.
        Assert.Equal(Expect(i => i % 10 == 5), await AllAsync(new FlowQuery { Error = "http 501" }));
        Assert.Equal(Expect(i => i % 5 == 0), await AllAsync(new FlowQuery { Error = "100%_GATE" }));
        Assert.Empty(await AllAsync(new FlowQuery { Error = "100%gate" }));
        Assert.Empty(await AllAsync(new FlowQuery { Error = "1_0" }));
        Assert.Equal(Expect(i => i % 15 == 0 && i % 2 == 0), await AllAsync(new FlowQuery { Error = "HTTP 500", Tag = "vip" }));
    }

    private static async Task CommitAttributesAsync(IFlowStore store, string flowId, Dictionary<string, string> attributes)
    {
        var claimed = await ClaimOneAsync(store, flowId);
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = claimed.Flow, Release = true, Attributes = attributes }, None);
    }
}
