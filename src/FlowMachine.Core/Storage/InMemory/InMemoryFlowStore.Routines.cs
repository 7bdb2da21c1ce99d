namespace FlowMachine.Storage.InMemory;

// The routine role (IRoutineStore).
public sealed partial class InMemoryFlowStore
{
    /// <inheritdoc/>
    public ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specJson);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (!routines.TryGetValue(name, out var versions))
            {
                versions = [];
                routines.Add(name, versions);
            }

            if (versions.Count > 0 && string.Equals(versions[^1].SpecJson, specJson, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(versions[^1]);
            }

            var record = new RoutineRecord(name, versions.Count + 1, specJson, owner, now);
            versions.Add(record);
            return ValueTask.FromResult(record);
        }
    }

    /// <inheritdoc/>
    public ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            RoutineRecord? found = null;
            if (routines.TryGetValue(name, out var versions) && versions.Count > 0)
            {
                // Versions are 1..n without gaps, so the version is the list index plus one.
                found = version is null ? versions[^1]
                    : version >= 1 && version <= versions.Count ? versions[version.Value - 1]
                    : null;
            }

            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<RoutineRecord> list = [.. routines.Values.Where(v => v.Count > 0).Select(v => v[^1])];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<RoutineRecord> list = routines.TryGetValue(name, out var versions) ? [.. versions] : [];
            return ValueTask.FromResult(list);
        }
    }
}
