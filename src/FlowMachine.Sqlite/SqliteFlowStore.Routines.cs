using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The routine role (IRoutineStore).
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specJson);
        return WriteAsync(db =>
        {
            var newest = db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1");
            Add(newest, "@name", name);
            var current = ReadRoutines(newest).FirstOrDefault();
            if (current is not null && string.Equals(current.SpecJson, specJson, StringComparison.Ordinal))
            {
                return current;
            }

            var record = new RoutineRecord(name, (current?.Version ?? 0) + 1, specJson, owner, Time(Ms(now)));
            var insert = db.Get("INSERT INTO routines (name, version, spec_json, owner, created_at) VALUES (@name, @version, @spec, @owner, @at)");
            Add(insert, "@name", name);
            Add(insert, "@version", record.Version);
            Add(insert, "@spec", specJson);
            Add(insert, "@owner", owner);
            Add(insert, "@at", Ms(now));
            insert.ExecuteNonQuery();
            return record;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken) =>
        ReadAsync(db =>
        {
            var cmd = version is null
                ? db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1")
                : db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name AND version = @version");
            Add(cmd, "@name", name);
            if (version is not null)
            {
                Add(cmd, "@version", version);
            }

            return ReadRoutines(cmd).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RoutineRecord>>(db => ReadRoutines(db.Get(
            "SELECT r.name, r.version, r.spec_json, r.owner, r.created_at FROM routines r " +
            "WHERE r.version = (SELECT MAX(version) FROM routines WHERE name = r.name) ORDER BY r.name")), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RoutineRecord>>(db =>
        {
            var cmd = db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name ORDER BY version");
            Add(cmd, "@name", name);
            return ReadRoutines(cmd);
        }, cancellationToken);
}
