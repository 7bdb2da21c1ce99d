using System.CommandLine;
using System.Text.Json.Nodes;
using FlowMachine.Cli.Hosting;
using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Routines;

/// <summary>The routines <c>routines list</c> and <c>show</c> print: the database's, or the server's with <c>--server</c>.</summary>
internal static class RoutineReads
{
    /// <summary>The newest version of each routine, and whether it is paused.</summary>
    public static async Task<IReadOnlyList<(RoutineRecord Routine, PausedRoutine? Paused)>> ListAsync(GlobalOptions global, ParseResult parse, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            var connection = server.Connect();
            await using var connectionScope = connection.ConfigureAwait(false);
            var client = connection.Client;
            var listed = new List<(RoutineRecord, PausedRoutine?)>();
            foreach (var summary in await client.ListRoutinesAsync(ct).ConfigureAwait(false))
            {
                // The list has no specs; the table shows each routine's steps and label.
                var routine = await client.GetRoutineAsync(summary.Name, summary.Version, ct).ConfigureAwait(false) ?? new RoutineDocument(summary, null);
                listed.Add((Record(routine), Paused(routine)));
            }

            return listed;
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var routines = await host.Routines.ListRoutinesAsync(ct).ConfigureAwait(false);
        var paused = (await host.Pauses.ListPausedAsync(ct).ConfigureAwait(false)).ToDictionary(p => p.Name, StringComparer.Ordinal);
        return [.. routines.Select(r => (r, paused.GetValueOrDefault(r.Name)))];
    }

    /// <summary>One version of a routine (the newest unless <paramref name="version"/>), its version numbers, and whether it is paused.</summary>
    /// <exception cref="UsageException">No such routine or version.</exception>
    public static async Task<(RoutineRecord Routine, IReadOnlyList<int> Versions, PausedRoutine? Paused)> ShowAsync(
        GlobalOptions global, ParseResult parse, string name, int? version, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            var connection = server.Connect();
            await using var connectionScope = connection.ConfigureAwait(false);
            var routine = await connection.Client.GetRoutineAsync(name, version, ct).ConfigureAwait(false) ?? throw Missing(name, version);
            var newest = version is null ? routine : await connection.Client.GetRoutineAsync(name, null, ct).ConfigureAwait(false) ?? routine;

            // Versions count up from 1 and are never removed.
            return (Record(routine), [.. Enumerable.Range(1, newest.Version)], Paused(routine));
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var record = await host.Routines.GetRoutineAsync(name, version, ct).ConfigureAwait(false) ?? throw Missing(name, version);
        var versions = await host.Routines.ListRoutineVersionsAsync(name, ct).ConfigureAwait(false);
        return (record, [.. versions.Select(r => r.Version)], await host.Pauses.FindPausedAsync(record.Name, ct).ConfigureAwait(false));
    }

    /// <summary>Saves <paramref name="specText"/> as a version of <paramref name="name"/>; true when it made a new version.</summary>
    /// <exception cref="SpecException">The spec is invalid (on a database; a server's refusal is its own exception).</exception>
    public static async Task<(RoutineRecord Saved, bool NewVersion)> SaveAsync(GlobalOptions global, ParseResult parse, string name, string specText, string? owner, CancellationToken ct)
    {
        if (global.ReadServer(parse) is { } server)
        {
            if (owner is not null)
            {
                throw new UsageException("--as does not apply with --server: the routine is saved by the API key's user.");
            }

            var connection = server.Connect();
            await using var connectionScope = connection.ConfigureAwait(false);
            var result = await connection.Client.SaveRoutineAsync(name, JsonValue.Create(specText), ct).ConfigureAwait(false);
            var routine = await connection.Client.GetRoutineAsync(result.Name, result.Version, ct).ConfigureAwait(false) ?? throw Missing(result.Name, result.Version);
            return (Record(routine), result.NewVersion);
        }

        var host = await CliHost.OpenAsync(global.Read(parse), NullTaskLog.Instance, ct).ConfigureAwait(false);
        await using var hostScope = host.ConfigureAwait(false);
        var savedBy = await LocalOwner.ResolveAsync(host.Users, owner, ct).ConfigureAwait(false);
        var saved = await host.Saving.SaveAsync(name, JsonValue.Create(specText), savedBy, ct).ConfigureAwait(false);
        return (saved.Saved ?? throw (saved.Error == SaveRoutineError.InvalidSpec ? new SpecException(saved.SpecErrors) : new UsageException(saved.Problem!)), saved.NewVersion);
    }

    private static UsageException Missing(string name, int? version) =>
        new(version is { } v ? $"routine '{name}' has no version {v}" : $"routine '{name}' does not exist");

    private static RoutineRecord Record(RoutineDocument routine) =>
        new(routine.Name, routine.Version, routine.Spec?.ToJsonString() ?? """{"tasks":[]}""", routine.Owner, routine.CreatedAt);

    private static PausedRoutine? Paused(RoutineSummary routine) =>
        routine.Paused ? new PausedRoutine(routine.Name, routine.PausedAt ?? routine.CreatedAt, routine.PausedBy) : null;
}
