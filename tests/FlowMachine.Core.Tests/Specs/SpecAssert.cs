using FlowMachine.Specs;

namespace FlowMachine.Tests.Specs;

/// <summary>Compiles specs against the test catalogue and checks errors by path.</summary>
internal static class SpecAssert
{
    public static FlowSpec Valid(string text)
    {
        var result = SpecCompiler.Compile(text, TestCatalog.Create());
        Assert.True(result.IsValid, "Expected a valid spec, got: " + string.Join(" | ", result.Errors));
        return result.Spec!;
    }

    public static IReadOnlyList<SpecError> Invalid(string text)
    {
        var result = SpecCompiler.Compile(text, TestCatalog.Create());
        Assert.False(result.IsValid);
        Assert.Null(result.Spec);
        Assert.NotEmpty(result.Errors);
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("Internal error", StringComparison.Ordinal));
        return result.Errors;
    }

    /// <summary>Asserts an error at exactly <paramref name="path"/> whose message contains each fragment.</summary>
    public static SpecError HasError(IReadOnlyList<SpecError> errors, string path, params string[] fragments)
    {
        var atPath = errors.Where(e => e.Path == path).ToList();
        Assert.True(atPath.Count > 0, $"No error at '{path}'. Errors: {string.Join(" | ", errors)}");
        var match = atPath.FirstOrDefault(e => fragments.All(f => e.Message.Contains(f, StringComparison.Ordinal)));
        Assert.True(match is not null, $"No error at '{path}' containing [{string.Join(", ", fragments)}]. Errors: {string.Join(" | ", atPath)}");
        return match!;
    }
}
