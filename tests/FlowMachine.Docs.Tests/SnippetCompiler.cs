using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FlowMachine.Docs.Tests;

/// <summary>
/// Compiles the C# snippets of one document together (so a later snippet may use a type an earlier one
/// declared). Statements outside a type become the body of an async method of their own; types stay
/// as written. Every snippet sees the usings a FlowMachine user would have.
/// </summary>
internal static class SnippetCompiler
{
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Text.Json.Nodes;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using FlowMachine;
        global using FlowMachine.Postgres;
        global using FlowMachine.Registry;
        global using FlowMachine.Testing;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Xunit;
        """;

    private static readonly Lazy<MetadataReference[]> References = new(LoadReferences);

    /// <summary>Compiles the snippets; returns the assembly, or the errors with the snippet each came from.</summary>
    public static (Assembly? Assembly, IReadOnlyList<string> Errors) Compile(string name, IReadOnlyList<Snippet> snippets)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(GlobalUsings, parse, path: "GlobalUsings.cs") };
        for (var i = 0; i < snippets.Count; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Wrap(snippets[i].Code, i, parse), parse, path: snippets[i].ToString()));
        }

        var compilation = CSharpCompilation.Create(
            name,
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Location.SourceTree?.FilePath} line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        return emitted.Success ? (Assembly.Load(image.ToArray()), errors) : (null, errors);
    }

    /// <summary>Moves top-level statements into <c>static async Task SnippetN(string[] args)</c>; usings and types stay.</summary>
    private static string Wrap(string code, int index, CSharpParseOptions parse)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, parse).GetRoot();
        var statements = root.Members.OfType<GlobalStatementSyntax>().ToList();
        if (statements.Count == 0)
        {
            return code;
        }

        var text = new StringBuilder();
        foreach (var u in root.Usings)
        {
            text.AppendLine(u.ToFullString());
        }

        // #line keeps error lines pointing into the snippet.
        text.AppendLine($"internal static class Snippet{index}");
        text.AppendLine("{");
        text.AppendLine("#pragma warning disable CS1998, CS8321, CS0168, CS0219");
        text.AppendLine("    public static async Task Run(string[] args)");
        text.AppendLine("    {");
        foreach (var statement in statements)
        {
            text.AppendLine(statement.ToFullString());
        }

        text.AppendLine("    }");
        text.AppendLine("}");
        foreach (var member in root.Members.Where(m => m is not GlobalStatementSyntax))
        {
            text.AppendLine(member.ToFullString());
        }

        return text.ToString();
    }

    private static MetadataReference[] LoadReferences()
    {
        // Everything the test runs with: the shared frameworks (including ASP.NET Core) and the FlowMachine assemblies.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var references = new List<MetadataReference>();
        foreach (var path in paths.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)))
        {
            if (!seen.Add(Path.GetFileName(path)))
            {
                continue;
            }

            try
            {
                AssemblyName.GetAssemblyName(path);
            }
            catch (BadImageFormatException)
            {
                continue; // native
            }

            references.Add(MetadataReference.CreateFromFile(path));
        }

        return [.. references];
    }
}
