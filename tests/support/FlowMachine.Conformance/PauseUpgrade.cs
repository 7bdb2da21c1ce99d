using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// A database of the schema version before pausing, upgraded: its flows run as before and can be held. The
/// rows are written by the provider's test at that version; <see cref="AssertUpgradedAsync"/> checks the store.
/// </summary>
public static class PauseUpgrade
{
    /// <summary>A due inline flow, a due flow of routine <c>r</c> (stored), and a completed flow of <c>r</c>.</summary>
    public const string Rows =
        "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[\"noop\"]}');" +
        "INSERT INTO routines (name, version, spec_json, owner, created_at) VALUES ('r', 1, '{\"tasks\":[\"noop\"]}', NULL, 1000);" +
        "INSERT INTO flows (id, key, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, routine) VALUES " +
        "('inline', NULL, 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1500, NULL), " +
        "('of-r', NULL, 'h', 'PENDING', 0, '{}', 0, 0, 1000, 1000, 1600, 'r'), " +
        "('done', NULL, 'h', 'COMPLETED', 0, '{}', 0, 0, 1000, 1000, NULL, 'r');";

    /// <summary>The index (1-based) of the migration that brings pausing, found by what it creates.</summary>
    public static int VersionOf(IReadOnlyList<string> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Contains("CREATE TABLE paused_routines", StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException("No migration creates paused_routines.");
    }

    public static async Task AssertUpgradedAsync(IFlowStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(2000);
        var inline = (await store.GetFlowAsync("inline", default))!;
        Assert.False(inline.Suspended);
        Assert.False(inline.RoutinePaused);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1500), await store.GetNextDueAsync(default));

        Assert.Equal(HoldStatus.Changed, (await store.SetRoutinePausedAsync("r", true, "ops", at, default)).Status);
        Assert.False((await store.GetFlowAsync("done", default))!.RoutinePaused);
        Assert.Equal(HoldStatus.Ended, (await store.SetFlowSuspendedAsync("done", true, "ops", at, default)).Status);
        Assert.Equal(["inline"], (await store.ClaimDueAsync("w1", 10, at, TimeSpan.FromSeconds(30), default)).Select(c => c.Flow.Id));
        await store.SetRoutinePausedAsync("r", false, "ops", at, default);
        Assert.Equal(["of-r"], (await store.ClaimDueAsync("w1", 10, at, TimeSpan.FromSeconds(30), default)).Select(c => c.Flow.Id));
    }
}
