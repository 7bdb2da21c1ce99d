using FlowMachine.Registry;

namespace FlowMachine.Tests.Specs;

/// <summary>A small catalogue for spec tests.</summary>
internal static class TestCatalog
{
    public static TaskRegistry Create() => new TaskRegistry()
        .Register("print", () => new TestTask())
        .Register("noop", () => new TestTask())
        .Register("test.One", () => new TestTask())
        .Register("test.Two", () => new TestTask())
        .Register("test.Three", () => new TestTask());
}
