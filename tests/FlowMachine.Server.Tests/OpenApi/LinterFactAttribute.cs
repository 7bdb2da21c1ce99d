namespace FlowMachine.Server.Tests.OpenApi;

/// <summary>A fact that needs the OpenAPI linters: skipped without them, except in CI where the test fails loudly.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinterFactAttribute : FactAttribute
{
    public LinterFactAttribute()
    {
        if (!OpenApiLinters.Installed && !OpenApiLinters.InCi)
        {
            Skip = OpenApiLinters.Missing;
        }
    }
}
