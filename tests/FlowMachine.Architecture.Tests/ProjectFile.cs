using System.Xml.Linq;

namespace FlowMachine.Architecture.Tests;

/// <summary>A project file of the repository, read for its project and package references.</summary>
internal sealed class ProjectFile
{
    private ProjectFile(string path)
    {
        Path = path;
        var document = XDocument.Load(path);
        ProjectReferences = [.. document.Descendants("ProjectReference")
            .Select(e => System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, (string)e.Attribute("Include")!)))];
        PackageReferences = [.. document.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!)];
        FrameworkReferences = [.. document.Descendants("FrameworkReference").Select(e => (string)e.Attribute("Include")!)];
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public IReadOnlyList<string> ProjectReferences { get; }

    public IReadOnlyList<string> PackageReferences { get; }

    public IReadOnlyList<string> FrameworkReferences { get; }

    /// <summary>The project under <c>src/</c> named <paramref name="name"/>.</summary>
    public static ProjectFile Source(string name) => new(System.IO.Path.Combine(Repository.Root, "src", name, name + ".csproj"));

    /// <summary>Every project this one references, directly or through another, with itself first.</summary>
    public IReadOnlyList<ProjectFile> WithReferencedProjects()
    {
        var found = new List<ProjectFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<ProjectFile>([this]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project.Path))
            {
                continue;
            }

            found.Add(project);
            foreach (var reference in project.ProjectReferences)
            {
                pending.Push(new ProjectFile(reference));
            }
        }

        return found;
    }
}
