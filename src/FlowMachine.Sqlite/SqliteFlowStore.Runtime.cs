using System.Text.Json.Nodes;
using FlowMachine.Routing;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The runtime role (IFlowRuntimeStore): creating, claiming, leasing and committing flows, and input from outside.
public sealed partial class SqliteFlowStore
{
    // The first due flows by priority, then due time: unleased ones of priority above 0 from the head of
    // flows_due_ranked, of priority 0 from the head of flows_due, below 0 from flows_due_ranked again, and flows
    // whose lease ran out from flows_leased (only flows held right now are in it). None reads the flows running
    // now; with every flow at priority 0 the ranked parts find an empty index.
    internal const string ClaimDueSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires, route = NULL WHERE id IN (" +
        "SELECT id FROM (" +
        "SELECT * FROM (SELECT id, priority, next_run_at FROM flows WHERE " + DueRanked + " AND priority > 0" + RouteFilterSql + " ORDER BY priority DESC, next_run_at, id LIMIT @max) " +
        "UNION ALL " +
        "SELECT * FROM (SELECT id, 0 AS priority, next_run_at FROM flows WHERE next_run_at <= @now AND lease_owner IS NULL AND suspended = 0 AND priority = 0" + RouteFilterSql + " " +
        "ORDER BY next_run_at, id LIMIT @max) " +
        "UNION ALL " +
        "SELECT * FROM (SELECT id, priority, next_run_at FROM flows WHERE " + DueRanked + " AND priority < 0" + RouteFilterSql + " ORDER BY priority DESC, next_run_at, id LIMIT @max) " +
        "UNION ALL " +
        "SELECT * FROM (SELECT id, priority, next_run_at FROM flows WHERE lease_owner IS NOT NULL AND (lease_expires_at IS NULL OR lease_expires_at <= @now) " +
        "AND next_run_at <= @now AND suspended = 0 ORDER BY priority DESC, next_run_at, id LIMIT @max)) " +
        "ORDER BY priority DESC, next_run_at, id LIMIT @max) RETURNING id, priority, next_run_at";

    // The terms of flows_due_ranked as written in its definition (SQLite matches a partial index by its terms).
    private const string DueRanked = "next_run_at <= @now AND lease_owner IS NULL AND suspended = 0 AND priority <> 0";

    // A flow let go for another pool (its route set) goes only to a worker that accepts the route (@routes, a JSON
    // array; null: any). Only unleased flows carry a route: a claim clears it.
    internal const string RouteFilterSql = " AND (route IS NULL OR @routes IS NULL OR route IN (SELECT value FROM json_each(@routes)))";

    // A claim of one flow as a claim round would take it: unleased or its lease run out.
    private const string ClaimFreeSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires, route = NULL WHERE id = @id AND next_run_at <= @now AND suspended = 0" + RouteFilterSql + " " +
        "AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now) RETURNING id, priority, next_run_at";

    // As ClaimFreeSql, or when the flow is leased to the claiming owner already (its own run claims it again).
    private const string ClaimOneSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires, route = NULL WHERE id = @id AND next_run_at <= @now AND suspended = 0" + RouteFilterSql + " " +
        "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now) RETURNING id, priority, next_run_at";

    /// <inheritdoc/>
    public ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentException.ThrowIfNullOrEmpty(flow.Flow.Id);
        return WriteAsync(db =>
        {
            // The one writer serialises creates, so "insert unless the key is taken" cannot race.
            if (InsertFlow(db, flow))
            {
                return new CreateFlowResult(flow.Flow.Clone(), true);
            }

            return new CreateFlowResult(WithLabels(db, LoadFlowByKey(db, flow.Flow.Key!))!, false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var payloadCopy = payload?.DeepClone();
        return WriteAsync(db =>
        {
            if (!MakeDue(db, flowId, now))
            {
                return false;
            }

            InsertCommand(db, flowId, kind, stepKey, payloadCopy, actor, now);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<QueuedCommand> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CommandClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(claim);
        var payloadCopy = payload?.DeepClone();
        var found = false;

        // The command and the claim in one write of the one writer: nothing comes between them.
        var claimed = await ClaimAsync(
            db =>
            {
                if (!MakeDue(db, flowId, now))
                {
                    return null;
                }

                InsertCommand(db, flowId, kind, stepKey, payloadCopy, actor, now);
                found = true;
                var cmd = db.Get(ClaimFreeSql);
                Add(cmd, "@id", flowId);
                Add(cmd, "@owner", claim.Owner);
                Add(cmd, "@expires", Ms(now + claim.Lease));
                Add(cmd, "@now", Ms(now));
                Add(cmd, "@routes", claim.Routes?.Json);
                return cmd;
            },
            cancellationToken).ConfigureAwait(false);
        return new QueuedCommand(found, claimed.Count == 0 ? null : claimed[0]);
    }

    /// <inheritdoc/>
    public ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valueCopy = value?.DeepClone();
        return WriteAsync(db =>
        {
            if (!MakeDue(db, flowId, now))
            {
                return false;
            }

            InsertEvent(db, flowId, name, valueCopy, now);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimDueAsync(owner, max, null, now, lease, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ClaimedFlow>>([]);
        }

        return ClaimAsync(
            db =>
            {
                var cmd = db.Get(ClaimDueSql);
                Add(cmd, "@owner", owner);
                Add(cmd, "@expires", Ms(now + lease));
                Add(cmd, "@now", Ms(now));
                Add(cmd, "@max", max);
                Add(cmd, "@routes", routes?.Json);
                return cmd;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimFlowAsync(flowId, owner, null, now, lease, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claimed = await ClaimAsync(
            db =>
            {
                var cmd = db.Get(ClaimOneSql);
                Add(cmd, "@id", flowId);
                Add(cmd, "@owner", owner);
                Add(cmd, "@expires", Ms(now + lease));
                Add(cmd, "@now", Ms(now));
                Add(cmd, "@routes", routes?.Json);
                return cmd;
            },
            cancellationToken).ConfigureAwait(false);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>
    /// Leases flows with <paramref name="claim"/> (an UPDATE … RETURNING id, priority, next_run_at; null: none) on the writer,
    /// then reads what the run needs on a read connection, so the one writer spends on a claim only the
    /// row update. Nobody but the new holder changes a leased flow's row, steps or history, so reading
    /// them after the commit sees them as claimed; commands and events that come in meanwhile are read
    /// too, as they would be at the next commit.
    /// </summary>
    private async ValueTask<IReadOnlyList<ClaimedFlow>> ClaimAsync(Func<SqliteCommandCache, SqliteCommand?> claim, CancellationToken cancellationToken)
    {
        var ids = await WriteAsync(
            db =>
            {
                var leased = new List<(string Id, long Priority, long? Due)>();
                if (claim(db) is not { } command)
                {
                    return leased;
                }

                using var r = command.ExecuteReader();
                while (r.Read())
                {
                    leased.Add((r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2)));
                }

                return leased;
            },
            cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return [];
        }

        // RETURNING gives no order; the highest priority comes first, then the oldest due flow.
        ids.Sort((a, b) =>
        {
            var byPriority = b.Priority.CompareTo(a.Priority);
            var byTime = byPriority != 0 ? byPriority : Nullable.Compare(a.Due, b.Due);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        });

        // Not cancelled half-way: the flows are leased to the caller now, and it must learn of every one.
        return await ReadAsync(
            db =>
            {
                db.Prepared("BEGIN").Execute();
                try
                {
                    var claimed = new List<ClaimedFlow>(ids.Count);
                    foreach (var (id, _, _) in ids)
                    {
                        var flow = LoadFlow(db, id)
                            ?? throw new InvalidDataException($"Flow '{id}' was leased and is missing from the database.");
                        claimed.Add(LoadClaim(db, flow));
                    }

                    return claimed;
                }
                finally
                {
                    db.Prepared("COMMIT").Execute();
                }
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var ids = flowIds.ToArray();
        return WriteAsync<IReadOnlyList<string>>(db =>
        {
            var lost = new List<string>();
            foreach (var id in ids)
            {
                var cmd = db.Get("UPDATE flows SET lease_expires_at = @expires WHERE id = @id AND lease_owner = @owner");
                Add(cmd, "@id", id);
                Add(cmd, "@owner", owner);
                Add(cmd, "@expires", Ms(expiresAt));
                if (cmd.ExecuteNonQuery() == 0)
                {
                    lost.Add(id);
                }
            }

            return lost;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);

        // The transition is applied later on the writer thread: take a copy the caller cannot change meanwhile.
        var t = transition with { Flow = transition.Flow.ShallowCopy() };
        var written = WriteAsync(db =>
        {
            var flowId = t.Flow.Id;

            // The lease check and the row write are one statement; a failure undoes the rest (SqliteWriter).
            // It counts the flow's commands waiting as well: what this commit deletes and adds to them is kept
            // count of below, so the check at the end needs no query.
            var commandsLeft = UpdateFlow(db, t.Flow, t.LeaseOwner, t.DataChanged, t.StateChanged, t.Release)
                ?? throw new LeaseLostException(flowId, t.LeaseOwner);

            SqliteStepRows.Upsert(db, flowId, t.Steps);

            UpsertAttributes(db, flowId, t.Attributes);

            SqliteHistory.Insert(db, flowId, t.History);

            foreach (var id in t.ConsumedCommands)
            {
                commandsLeft -= DeleteCommand(db, flowId, id);
            }

            foreach (var id in t.ConsumedEvents)
            {
                DeleteEvent(db, flowId, id);
            }

            foreach (var child in t.NewFlows)
            {
                // Like CreateFlowAsync: a child whose key is taken is not created again.
                InsertFlow(db, child);
            }

            var at = t.Flow.UpdatedAt;
            foreach (var command in t.Commands)
            {
                // A command for a flow that does not exist has no one to tell; it is dropped.
                if (MakeDue(db, command.FlowId, at))
                {
                    InsertCommand(db, command.FlowId, command.Kind, command.StepKey, command.Payload, null, at);
                    commandsLeft += command.FlowId == flowId ? 1 : 0;
                }
            }

            // Before the release check: a kept event delivered here is input that makes the flow due again.
            var delivered = (t.EndedKeyedWaits.Count > 0 || t.KeyedWaits.Count > 0) && ApplyKeyedWaits(db, t, at);

            var hasCommands = commandsLeft > 0;
            if (t.Release && (hasCommands || HasEventsAfter(db, flowId, t.KnownEventId)))
            {
                MakeDue(db, flowId, at);
            }
            else if (t.Release && t.Flow.Route is { } route)
            {
                db.Prepared("UPDATE flows SET route = ?2, route_deadline = ?3 WHERE id = ?1").Text(1, flowId).Text(2, route).Int(3, Ms(t.Flow.RouteDeadline)).Execute();
            }

            // Flow control: the slots this commit frees, then the slots and tokens of the steps it starts.
            var taken = SqliteLimitCommit.Apply(db, t, out var woke);
            return new CommitResult(hasCommands) { WokeWaiter = woke || delivered, LimitsTaken = taken };
        }, cancellationToken);

        // A flow let go for another pool: wake the workers in this process once it is written (other processes poll).
        return t.Release && t.Flow.Route is not null ? NotifyAfterAsync(written) : written;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<FlowCommand>>(db => LoadCommands(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken) => GetNextDueAsync(null, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextDueAsync(RouteSet? routes, CancellationToken cancellationToken) =>
        ReadAsync<DateTimeOffset?>(db =>
        {
            // Unleased flows: the first row of flows_due, and the earliest of flows_due_ranked (read whole, by index only:
            // few flows wait with a priority other than 0). Leased flows (flows_leased holds only those): when the lease ends, if later.
            var cmd = db.Get(
                "SELECT MIN(t) FROM (" +
                "SELECT MIN(next_run_at) AS t FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0 AND priority = 0" + RouteFilterSql + " " +
                "UNION ALL SELECT MIN(next_run_at) FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0 AND priority <> 0" + RouteFilterSql + " " +
                "UNION ALL SELECT MIN(MAX(next_run_at, COALESCE(lease_expires_at, next_run_at))) FROM flows " +
                "WHERE lease_owner IS NOT NULL AND next_run_at IS NOT NULL AND suspended = 0)");
            Add(cmd, "@routes", routes?.Json);
            return cmd.ExecuteScalar() is long ms ? Time(ms) : null;
        }, cancellationToken);
}
