namespace FlowMachine.Storage;

/// <summary>Saved routines (named flow specs), each name with numbered versions.</summary>
public interface IRoutineStore
{
    /// <summary>Stores a routine; an unchanged spec returns the current version, a changed one makes a new version.</summary>
    ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A routine's given version, or its newest when <paramref name="version"/> is null.</summary>
    ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken);

    /// <summary>The newest version of every routine, by name.</summary>
    ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken);

    /// <summary>Every version of one routine, oldest first.</summary>
    ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken);
}
