namespace FlowMachine.Architecture.Tests;

/// <summary>
/// The layers stay apart: the core knows no database, hosting or web package; the host and the server
/// know no store and not the examples. Both the compiled assemblies and the project files are read.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>What a host or the server must not reference: the stores, their drivers and the examples.</summary>
    private static readonly string[] StoreOrExamples =
        ["FlowMachine.Sqlite", "FlowMachine.Postgres", "Npgsql", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "FlowMachine.Examples"];

    public static TheoryData<string> HostAndServer => new() { "FlowMachine.Hosting", "FlowMachine.Server" };

    [Fact]
    public void The_core_compiles_against_only_the_abstractions_YamlDotNet_Cronos_and_the_base_class_library()
    {
        var references = CompiledReferences.Of("FlowMachine.Core");
        Assert.Contains("FlowMachine.Abstractions", references);
        Assert.Contains("YamlDotNet", references);
        Assert.Contains("Cronos", references);
        Assert.DoesNotContain(references, r => r is not "FlowMachine.Abstractions" and not "YamlDotNet" and not "Cronos" && !CompiledReferences.IsBaseClassLibrary(r));
    }

    [Fact]
    public void The_core_project_references_only_the_abstractions_YamlDotNet_and_Cronos()
    {
        var projects = ProjectFile.Source("FlowMachine.Core").WithReferencedProjects();
        Assert.Equal(["FlowMachine.Abstractions", "FlowMachine.Core"], projects.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["Cronos", "YamlDotNet"], projects.SelectMany(p => p.PackageReferences).Order(StringComparer.Ordinal));
        Assert.Equal([], projects.SelectMany(p => p.FrameworkReferences));
    }

    [Fact]
    public void The_abstractions_reference_only_the_base_class_library()
    {
        var references = CompiledReferences.Of("FlowMachine.Abstractions");
        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, r => !CompiledReferences.IsBaseClassLibrary(r));

        var project = ProjectFile.Source("FlowMachine.Abstractions");
        Assert.Empty(project.ProjectReferences);
        Assert.Empty(project.PackageReferences);
        Assert.Empty(project.FrameworkReferences);
    }

    [Theory]
    [MemberData(nameof(HostAndServer))]
    public void The_host_and_the_server_compile_against_no_store_and_not_the_examples(string assembly)
    {
        var references = CompiledReferences.Of(assembly);
        Assert.Contains("FlowMachine.Core", references);
        Assert.DoesNotContain(references, IsStoreOrExamples);
    }

    [Theory]
    [MemberData(nameof(HostAndServer))]
    public void The_host_and_the_server_projects_reference_no_store_and_not_the_examples_even_through_another_project(string project)
    {
        var projects = ProjectFile.Source(project).WithReferencedProjects();
        Assert.Contains(projects, p => p.Name == "FlowMachine.Core");
        Assert.DoesNotContain(projects.Select(p => p.Name), IsStoreOrExamples);
        Assert.DoesNotContain(projects.SelectMany(p => p.PackageReferences), IsStoreOrExamples);
    }

    [Fact]
    public void The_client_compiles_against_the_core_the_HttpClient_factory_and_Polly_and_no_store_server_or_host()
    {
        var references = CompiledReferences.Of("FlowMachine.Client");
        Assert.Contains("FlowMachine.Core", references);
        Assert.Contains("Microsoft.Extensions.Http", references);
        Assert.Contains("Polly.Core", references);
        Assert.DoesNotContain(references, r => IsStoreOrExamples(r) || r.StartsWith("FlowMachine.Server", StringComparison.Ordinal)
            || r.StartsWith("FlowMachine.Hosting", StringComparison.Ordinal) || r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

        var projects = ProjectFile.Source("FlowMachine.Client").WithReferencedProjects();
        Assert.Equal(["FlowMachine.Abstractions", "FlowMachine.Client", "FlowMachine.Core"], projects.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Empty(projects.SelectMany(p => p.FrameworkReferences));
    }

    private static bool IsStoreOrExamples(string name) =>
        StoreOrExamples.Any(s => name.Equals(s, StringComparison.OrdinalIgnoreCase) || name.StartsWith(s + ".", StringComparison.OrdinalIgnoreCase));
}
