using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

public sealed class SqliteDagScenarios : DagScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqliteOutcomeScenarios : OutcomeScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqliteSeedRoutineScenarios : SeedRoutineScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqliteStartValidationScenarios : StartValidationScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqliteTimerScenarios : TimerScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqliteSearchScenarios : SearchScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqlitePriorityScenarios : PriorityScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}

public sealed class SqliteKeyedEventScenarios : KeyedEventScenarios, IDisposable
{
    private readonly TempDatabase temp = new();
    private int count;

    protected override IFlowStore CreateStore() => new SqliteFlowStore(new SqliteStoreOptions { Path = temp.PathOf($"scenario{++count}.db") });

    public void Dispose() => temp.Dispose();
}
