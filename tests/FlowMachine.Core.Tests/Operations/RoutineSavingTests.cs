using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Specs;
using FlowMachine.Storage.InMemory;
using FlowMachine.Tests.Specs;

namespace FlowMachine.Tests.Operations;

public sealed class RoutineSavingTests
{
    private readonly InMemoryFlowStore store = new();

    private RoutineSaving Saving(SpecLimits? limits = null) =>
        new(store, new SpecInput(TestCatalog.Create(), limits ?? SpecLimits.Default), TimeProvider.System);

    [Fact]
    public async Task A_changed_spec_makes_a_new_version_and_the_same_spec_does_not()
    {
        var saving = Saving();
        var first = await saving.SaveAsync("egg", JsonNode.Parse("""["test.One"]"""), "alice", default);
        var same = await saving.SaveAsync("egg", JsonValue.Create("tasks: [test.One]"), "alice", default);
        var changed = await saving.SaveAsync("egg", JsonNode.Parse("""["test.One","test.Two"]"""), "bob", default);

        Assert.Equal((1, true), (first.Saved!.Version, first.NewVersion));
        Assert.Equal((1, false), (same.Saved!.Version, same.NewVersion));
        Assert.Equal((2, true), (changed.Saved!.Version, changed.NewVersion));
        Assert.Equal("bob", changed.Saved.Owner);
        Assert.Equal(SaveRoutineError.None, changed.Error);
    }

    [Fact]
    public async Task A_bad_name_is_refused_in_the_name_field_before_the_spec_is_read()
    {
        var result = await Saving().SaveAsync("flow.yaml", null, "alice", default);

        Assert.Null(result.Saved);
        Assert.Equal((SaveRoutineError.Name, "name", RoutineNames.Rule), (result.Error, result.Field, result.Problem));
        Assert.Empty(await store.ListRoutinesAsync(default));
    }

    [Fact]
    public async Task A_missing_spec_is_refused_in_the_spec_field()
    {
        var result = await Saving().SaveAsync("egg", null, "alice", default);

        Assert.Equal((SaveRoutineError.MissingSpec, "spec", RoutineSaving.MissingSpec), (result.Error, result.Field, result.Problem));
    }

    [Fact]
    public async Task The_configured_spec_limits_apply_and_nothing_is_stored()
    {
        var result = await Saving(new SpecLimits { MaxSteps = 2 }).SaveAsync("egg", JsonNode.Parse("""["test.One","test.Two","test.Three"]"""), "alice", default);

        Assert.Equal((SaveRoutineError.InvalidSpec, "spec"), (result.Error, result.Field));
        SpecAssert.HasError(result.SpecErrors, "$", "limit of 2");
        Assert.Empty(await store.ListRoutinesAsync(default));
    }

    [Fact]
    public async Task An_unknown_task_type_is_a_spec_error()
    {
        var result = await Saving().SaveAsync("egg", JsonNode.Parse("""["no.such.type"]"""), "alice", default);

        Assert.Equal(SaveRoutineError.InvalidSpec, result.Error);
        Assert.NotEmpty(result.SpecErrors);
    }
}
