using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FlowMachine.Storage;

namespace FlowMachine.Benchmarks;

/// <summary>
/// A store that times what firing schedules asks of it, for the schedules benchmark's <c>--profile</c>: each claim of
/// due schedules and each firing batch is printed as a line (<c>profile claim|fire START_MS END_MS COUNT …</c>, Unix
/// milliseconds), with the routine reads made since the previous firing. Every other call goes straight through
/// (<see cref="StoreProxy"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from it at run time.")]
internal class TimedStore : StoreProxy
{
    private long routineReads;
    private long routineTicks;

    public static IFlowStore Wrap(IFlowStore inner) => (IFlowStore)(object)Decorate<IFlowStore, TimedStore>(inner);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var start = Stopwatch.GetTimestamp();
        var startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = Forward(method, args);

        if (method.Name is not (nameof(IFlowStore.ClaimDueSchedulesAsync) or nameof(IFlowStore.FireSchedulesAsync) or nameof(IFlowStore.GetRoutineAsync)))
        {
            return result;
        }

        return Then(method, result!, value => Time(value, method.Name, start, startMs));
    }

    private void Time(object? value, string name, long start, long startMs)
    {
        var endMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        switch (value)
        {
            case IReadOnlyList<ClaimedSchedule> { Count: > 0 } claimed:
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile claim {startMs} {endMs} {claimed.Count}"));
                break;
            case IReadOnlyList<ScheduleFireResult> fired:
                var reads = Interlocked.Exchange(ref routineReads, 0);
                var readMs = Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref routineTicks, 0)).TotalMilliseconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile fire {startMs} {endMs} {fired.Sum(f => f.Created.Count)} {reads} {readMs:0.0}"));
                break;
            case RoutineRecord or null when name == nameof(IFlowStore.GetRoutineAsync):
                Interlocked.Increment(ref routineReads);
                Interlocked.Add(ref routineTicks, Stopwatch.GetTimestamp() - start);
                break;
        }
    }
}
