using FlowMachine.Specs;

namespace FlowMachine.Tests.Specs;

/// <summary>The concurrency and rate keys of a step and of cfg: read, stored, and refused with the path when wrong.</summary>
public sealed class FlowControlSpecTests
{
    [Fact]
    public void Step_and_cfg_limits_are_read_and_survive_the_stored_form()
    {
        var spec = SpecAssert.Valid("""
            cfg:
              concurrency: { key: "$input.customer", limit: 2 }
              rate: { limit: 100, per: 60s }
            tasks:
              - { key: a, task_type: noop, concurrency: { key: "$data.tenant", limit: 1 }, rate: { limit: 10, per: 1s, key: "$input.tenant" } }
              - { key: b, task_type: noop }
            """);
        Assert.Equal(new ConcurrencySpec { Key = "$input.customer", Limit = 2 }, spec.Cfg.Concurrency);
        Assert.Equal(new RateSpec { Limit = 100, PerSeconds = 60 }, spec.Cfg.Rate);
        Assert.Equal(new ConcurrencySpec { Key = "$data.tenant", Limit = 1 }, spec.Tasks[0].Concurrency);
        Assert.Equal(new RateSpec { Limit = 10, PerSeconds = 1, Key = "$input.tenant" }, spec.Tasks[0].Rate);
        Assert.Null(spec.Tasks[1].Concurrency);

        var stored = SpecJson.Deserialize(SpecJson.Serialize(spec));
        Assert.Equal(spec.Cfg.Concurrency, stored.Cfg.Concurrency);
        Assert.Equal(spec.Cfg.Rate, stored.Cfg.Rate);
        Assert.Equal(spec.Tasks[0].Concurrency, stored.Tasks[0].Concurrency);
        Assert.Equal(spec.Tasks[0].Rate, stored.Tasks[0].Rate);
    }

    [Fact]
    public void A_spec_without_limits_is_stored_as_before()
    {
        var json = SpecJson.Serialize(SpecAssert.Valid("tasks: [noop]"));
        Assert.DoesNotContain("concurrency", json, StringComparison.Ordinal);
        Assert.DoesNotContain("rate", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tasks: [{ key: a, task_type: noop, concurrency: { key: \"$input.c\", limit: -1 } }]", "tasks[0].concurrency.limit", "whole number of at least 1", "-1")]
    [InlineData("tasks: [{ key: a, task_type: noop, concurrency: { limit: 0 } }]", "tasks[0].concurrency.limit", "at least 1", "0")]
    [InlineData("tasks: [{ key: a, task_type: noop, concurrency: { key: \"$input.c\" } }]", "tasks[0].concurrency.limit", "'limit' is required")]
    [InlineData("tasks: [{ key: a, task_type: noop, concurrency: 3 }]", "tasks[0].concurrency", "must be an object")]
    [InlineData("cfg: { concurrency: { key: customer, limit: 1 } }\ntasks: [noop]", "cfg.concurrency.key", "context path", "'customer'")]
    [InlineData("cfg: { concurrency: { key: \"$inputs.c\", limit: 1 } }\ntasks: [noop]", "cfg.concurrency.key", "context path")]
    [InlineData("tasks: [{ key: a, task_type: noop, concurrency: { key: \"$input.c\", limit: 1, burst: 2 } }]", "tasks[0].concurrency.burst", "Unknown field 'burst'")]
    [InlineData("tasks: [{ key: a, task_type: noop, rate: { limit: 10, per: soon } }]", "tasks[0].rate.per", "duration", "soon")]
    [InlineData("tasks: [{ key: a, task_type: noop, rate: { limit: 10, per: -1 } }]", "tasks[0].rate.per", "duration greater than 0")]
    [InlineData("tasks: [{ key: a, task_type: noop, rate: { limit: 10 } }]", "tasks[0].rate.per", "'per' is required")]
    [InlineData("tasks: [{ key: a, task_type: noop, rate: { limit: -5, per: 1s } }]", "tasks[0].rate.limit", "at least 1", "-5")]
    [InlineData("tasks: [{ key: a, task_type: noop, rate: { limit: 5, per: 1s, key: 42 } }]", "tasks[0].rate.key", "context path")]
    [InlineData("cfg: { rate: { limit: 5, per: 1s, window: 2s } }\ntasks: [noop]", "cfg.rate.window", "Unknown field 'window'", "limit, per, key")]
    public void Bad_limits_are_refused_with_their_path(string text, string path, params string[] fragments) =>
        SpecAssert.HasError(SpecAssert.Invalid(text), path, fragments);
}
