using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace FlowMachine.Packaging.Tests;

/// <summary>
/// Packs the repository, checks every package's metadata, installs the CLI as a dotnet tool from the
/// local folder only, and runs a flow with it: what a user does after <c>dotnet tool install flowmachine</c>.
/// </summary>
public sealed class PackAndInstallTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Libraries =
        ["FlowMachine.Abstractions", "FlowMachine.Core", "FlowMachine.Sqlite", "FlowMachine.Hosting", "FlowMachine.Testing", "FlowMachine.Client"];

    private readonly string temp = Directory.CreateTempSubdirectory("fm-pack-").FullName;

    [Fact]
    public async Task Pack_produces_the_libraries_and_the_tool_and_the_installed_tool_runs_a_flow()
    {
        var packages = Path.Combine(temp, "packages");
        var watch = Stopwatch.StartNew();

        var pack = await Dotnet.RunAsync("dotnet", ["pack", "FlowMachine.slnx", "-c", Repository.Configuration, "-o", packages, "-nologo", "-v:q"], Repository.Root);
        output.WriteLine($"pack: {watch.Elapsed}");
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

        var files = Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).ToList();
        foreach (var library in Libraries)
        {
            Assert.Contains($"{library}.0.1.0.nupkg", files);
            AssertLibraryPackage(Path.Combine(packages, $"{library}.0.1.0.nupkg"), library);
        }

        // The host package knows no database: an app that embeds FlowMachine pulls in only the store it chooses.
        var hostingDependencies = Dependencies(Path.Combine(packages, "FlowMachine.Hosting.0.1.0.nupkg"));
        Assert.Contains("FlowMachine.Core", hostingDependencies);
        Assert.DoesNotContain(hostingDependencies, d => d is "Npgsql" or "Microsoft.Data.Sqlite" or "FlowMachine.Sqlite" or "FlowMachine.Postgres" || d.StartsWith("SQLitePCLRaw", StringComparison.Ordinal));

        // The client package talks HTTP only: no store, no server, no hosting.
        var clientDependencies = Dependencies(Path.Combine(packages, "FlowMachine.Client.0.1.0.nupkg"));
        Assert.Contains("FlowMachine.Core", clientDependencies);
        Assert.Contains("Microsoft.Extensions.Http", clientDependencies);
        Assert.Contains("Polly.Core", clientDependencies);
        Assert.DoesNotContain(clientDependencies, d => d is "FlowMachine.Sqlite" or "FlowMachine.Postgres" or "FlowMachine.Server" or "FlowMachine.Hosting" or "Npgsql" or "Microsoft.Data.Sqlite");

        var tool = Path.Combine(packages, "flowmachine.0.1.0.nupkg");
        Assert.True(File.Exists(tool), "the CLI did not pack as flowmachine.0.1.0.nupkg; found " + string.Join(", ", files));
        Assert.DoesNotContain(files, f => f!.Contains("Tests", StringComparison.Ordinal) || f.Contains("Examples", StringComparison.Ordinal) || f.Contains("Benchmarks", StringComparison.Ordinal));

        // Only the local folder as a source, and a private package cache so a stale 0.1.0 is never reused.
        var config = Path.Combine(temp, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(temp, "nuget-cache") };
        var tools = Path.Combine(temp, "tools");
        var install = await Dotnet.RunAsync("dotnet", ["tool", "install", "flowmachine", "--tool-path", tools, "--configfile", config, "--add-source", packages, "--version", "0.1.0"], temp, env);
        output.WriteLine($"pack + install: {watch.Elapsed}");
        Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install.Output);

        var flowmachine = Path.Combine(tools, "flowmachine");
        var version = await Dotnet.RunAsync(flowmachine, ["--version"], temp);
        Assert.Equal(0, version.ExitCode);
        Assert.Equal("0.1.0", version.Output.Trim());

        var run = await Dotnet.RunAsync(flowmachine, ["run", Path.Combine(Repository.Root, "examples", "specs", "seed004.yaml"), "--db", Path.Combine(temp, "f.db")], temp);
        output.WriteLine($"pack + install + run: {watch.Elapsed}");
        Assert.True(run.ExitCode == 0, "flowmachine run failed:\n" + run.Output);
        Assert.Contains("I am task_2.", run.Output, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), $"pack and install took {watch.Elapsed}");
    }

    private static void AssertLibraryPackage(string path, string id)
    {
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("README.md", names);
        Assert.Contains($"lib/net10.0/{id}.dll", names);
        Assert.Contains($"lib/net10.0/{id}.xml", names);

        using var nuspec = zip.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(id, Value("id"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")), $"{id} has no description");
        Assert.False(string.IsNullOrWhiteSpace(Value("authors")), $"{id} has no authors");
        Assert.NotNull(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository"));
    }

    private static List<string> Dependencies(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return [.. XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!)];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(temp, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
