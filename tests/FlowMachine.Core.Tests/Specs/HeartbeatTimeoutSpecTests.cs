using FlowMachine.Specs;
using static FlowMachine.Tests.Specs.SpecAssert;

namespace FlowMachine.Tests.Specs;

/// <summary>heartbeat_timeout on a step and in cfg: a duration, refused at its path when it is not one.</summary>
public sealed class HeartbeatTimeoutSpecTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("\"soon\"")]
    [InlineData("\"-1s\"")]
    [InlineData("true")]
    public void A_heartbeat_timeout_that_is_not_a_duration_is_refused_at_its_path(string value)
    {
        var errors = Invalid($$"""{ "cfg": { "heartbeat_timeout": {{value}} }, "tasks": [ { "key": "a", "task_type": "noop" }, { "key": "b", "task_type": "noop", "heartbeat_timeout": {{value}} } ] }""");
        HasError(errors, "cfg.heartbeat_timeout", "'heartbeat_timeout' must be a duration greater than 0");
        HasError(errors, "tasks[1].heartbeat_timeout", "'heartbeat_timeout' must be a duration greater than 0");
    }

    [Fact]
    public void A_heartbeat_timeout_is_kept_in_seconds_on_its_step_and_in_cfg_and_survives_the_stored_form()
    {
        var spec = Valid("""{ "cfg": { "heartbeat_timeout": "2m" }, "tasks": [ { "key": "a", "task_type": "noop", "heartbeat_timeout": "30s" }, { "key": "b", "task_type": "noop", "heartbeat_timeout": "500ms" }, { "key": "c", "task_type": "noop", "heartbeat_timeout": 4 }, { "key": "d", "task_type": "noop" } ] }""");
        Assert.Equal(120, spec.Cfg.HeartbeatTimeoutSeconds);
        Assert.Equal([30, 0.5, 4, null], spec.Tasks.Select(t => t.HeartbeatTimeoutSeconds));
        var again = SpecJson.Deserialize(SpecJson.Serialize(spec));
        Assert.Equal(120, again.Cfg.HeartbeatTimeoutSeconds);
        Assert.Equal([30, 0.5, 4, null], again.Tasks.Select(t => t.HeartbeatTimeoutSeconds));
    }
}
