using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Storage;
using Microsoft.Extensions.Hosting;

namespace FlowMachine.Hosting;

/// <summary>
/// Creates or migrates the store's schema when the host starts, reads the store's clock (when it has one),
/// then stores the routines and then the schedules the host declared.
/// </summary>
internal sealed class StoreInitializer(IFlowStore store, FlowEngine engine, DeclaredRoutines routines, RoutineSaving saving, DeclaredSchedules schedules, ScheduleVerbs verbs) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await engine.AlignClockAsync(cancellationToken).ConfigureAwait(false);
        foreach (var routine in routines.All)
        {
            // The store keeps one version per spec, and two processes saving one spec at once make one version.
            var saved = await saving.SaveAsync(routine.Name, routine.ToDocument(), owner: null, cancellationToken).ConfigureAwait(false);
            if (saved.Saved is null)
            {
                var errors = saved.SpecErrors.Count > 0 ? string.Join("; ", saved.SpecErrors.Select(e => e.ToString())) : saved.Problem;
                throw new InvalidOperationException($"routine '{routine.Name}' could not be stored: {errors}");
            }
        }

        foreach (var (name, definition) in schedules.All)
        {
            var declared = await verbs.DeclareAsync(name, definition, owner: null, cancellationToken).ConfigureAwait(false);
            if (!declared.Succeeded)
            {
                throw new InvalidOperationException($"schedule '{name}' could not be stored ({declared.Outcome}): {string.Join("; ", declared.Errors.Select(e => $"{e.Path}: {e.Message}"))}");
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
