using FlowMachine.Engine;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Tags given at the start and attributes set by tasks reach the store, the flow document and the list filters.</summary>
public abstract class SearchScenarios : ScenarioBase
{
    private const string SetsAttributes = """
        cfg: { tags: [nightly, eu] }
        tasks:
          - { key: a, task_type: t.attr, task_params: { set: { customer: "42", region: north } } }
          - { key: b, task_type: t.attr, task_params: { set: { customer: "43" } }, precursors: [a] }
        """;

    [Fact]
    public async Task Tags_of_the_start_and_the_spec_and_attributes_of_each_step_are_stored_and_found()
    {
        await using var h = await NewHarnessAsync();
        var started = await h.Engine.StartAsync(new StartFlowRequest { SpecText = SetsAttributes, Tags = ["vip", "eu"] });
        var other = await h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [noop]" });
        await h.RunAsync(started.Flow.Id);
        await h.RunAsync(other.Flow.Id);

        var document = FlowDocument.Of((await h.Engine.GetAsync(started.Flow.Id))!);
        Assert.Equal(["eu", "nightly", "vip"], document.Tags.Order(StringComparer.Ordinal));
        Assert.Equal([new("customer", "43"), new("region", "north")], document.Attributes.ToList());
        Assert.Empty(FlowDocument.Of((await h.Engine.GetAsync(other.Flow.Id))!).Tags);

        Assert.Equal([started.Flow.Id], await IdsAsync(h, new FlowQuery { Tag = "vip" }));
        Assert.Equal([started.Flow.Id], await IdsAsync(h, new FlowQuery { Attribute = new("customer", "43") }));
        Assert.Empty(await IdsAsync(h, new FlowQuery { Attribute = new("customer", "42") }));
        Assert.Equal([started.Flow.Id], await IdsAsync(h, new FlowQuery { Tag = "nightly", Attribute = new("region", "north") }));
    }

    [Fact]
    public async Task An_attribute_over_the_limits_fails_its_step_with_a_clear_error()
    {
        await using var h = await NewHarnessAsync();
        var value = new string('v', TaskContext.MaxAttributeValueLength + 1);
        var view = await h.StartAndRunAsync($"tasks:\n  - {{ key: a, task_type: t.attr, task_params: {{ set: {{ customer: {value} }} }} }}");

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains($"more than the limit of {TaskContext.MaxAttributeValueLength}", view.Flow.Error);
        Assert.Empty((await h.Engine.GetAsync(view.Flow.Id))!.Flow.Attributes);

        var badName = await h.StartAndRunAsync("tasks:\n  - { key: a, task_type: t.attr, task_params: { set: { \"cust omer\": x } } }");
        Assert.Contains("attribute name 'cust omer'", badName.Flow.Error);
    }

    [Theory]
    [InlineData("tags", "a tag is not empty")]
    [InlineData("tags", "more than the limit of 64")]
    [InlineData("tags", "at most 16 tags")]
    public async Task Bad_tags_are_refused_naming_tags_and_nothing_is_stored(string named, string message)
    {
        await using var h = await NewHarnessAsync();
        IReadOnlyList<string> tags = message switch
        {
            "a tag is not empty" => ["ok", " "],
            "at most 16 tags" => [.. Enumerable.Range(0, FlowTags.MaxCount + 1).Select(i => "t" + i)],
            _ => [new string('t', FlowTags.MaxLength + 1)],
        };

        var error = await Assert.ThrowsAsync<SpecException>(() => h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [noop]", Tags = tags }));

        Assert.Contains(error.Errors, e => e.Path == named && e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Empty((await h.Store.ListFlowsAsync(new FlowQuery(), default)).Items);
    }

    [Fact]
    public async Task Bad_spec_tags_are_refused_naming_the_path()
    {
        await using var h = await NewHarnessAsync();
        var error = await Assert.ThrowsAsync<SpecException>(() => h.Engine.StartAsync(new StartFlowRequest { SpecText = "cfg: { tags: [ok, 3, \"\"] }\ntasks: [noop]" }));
        Assert.Contains(error.Errors, e => e.Path == "cfg.tags[1]");
        Assert.Contains(error.Errors, e => e.Path == "cfg.tags[2]");
    }

    private static async Task<List<string>> IdsAsync(Tests.Support.EngineHarness h, FlowQuery query) =>
        [.. (await h.Store.ListFlowsAsync(query, default)).Items.Select(f => f.Id)];
}
