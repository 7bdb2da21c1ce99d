using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace FlowMachine.Architecture.Tests;

/// <summary>The assemblies a compiled FlowMachine assembly references, read from its metadata without loading it.</summary>
internal static class CompiledReferences
{
    /// <summary>The names of the assemblies <paramref name="assemblyName"/> (next to this test) references.</summary>
    public static IReadOnlyList<string> Of(string assemblyName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        var metadata = reader.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))];
    }

    /// <summary>True for an assembly of the base class library: one the .NET runtime itself ships.</summary>
    public static bool IsBaseClassLibrary(string name) =>
        name is "netstandard" or "mscorlib"
        || File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), name + ".dll"));
}
