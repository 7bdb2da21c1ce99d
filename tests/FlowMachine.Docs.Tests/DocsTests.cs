using System.Reflection;
using FlowMachine.BuiltIns;
using FlowMachine.Cli.Commands;
using FlowMachine.Cli.Output;
using FlowMachine.Examples;
using FlowMachine.Registry;
using FlowMachine.Specs;
using Xunit.Abstractions;

namespace FlowMachine.Docs.Tests;

/// <summary>Every code snippet in README.md and docs/*.md compiles, validates or parses, so the docs never rot.</summary>
public sealed class DocsTests(ITestOutputHelper output)
{
    private static readonly string[] Languages = ["csharp", "yaml", "json", "bash", "text", "mermaid"];

    /// <summary>The snippets deliberately left unchecked; a new one must be added here on purpose.</summary>
    private static readonly string[] ExpectedSkips = [];

    public static TheoryData<string> Documents() => [.. Markdown.Documents];

    [Fact]
    public void The_docs_have_snippets_of_every_kind()
    {
        Assert.Contains("docs/getting-started.md", Markdown.Documents);
        Assert.Contains("docs/operating.md", Markdown.Documents);
        foreach (var language in new[] { "csharp", "yaml", "bash" })
        {
            Assert.Contains(Markdown.All, s => s.Language == language);
        }
    }

    [Fact]
    public void Every_block_names_a_language_the_tests_know()
    {
        var unknown = Markdown.All.Where(s => !Languages.Contains(s.Language)).Select(s => s.ToString()).ToList();
        Assert.True(unknown.Count == 0, "tag these blocks csharp, yaml, json, bash, text or mermaid: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Skipped_snippets_are_listed_with_their_reason()
    {
        var skipped = Markdown.All.Where(s => s.SkipReason is not null).ToList();
        foreach (var snippet in skipped)
        {
            output.WriteLine($"not compiled: {snippet} — {snippet.SkipReason}");
            Assert.False(string.IsNullOrWhiteSpace(snippet.SkipReason), $"{snippet} is skipped without a reason");
        }

        Assert.Equal(ExpectedSkips, skipped.Select(s => $"{s.File}:{s.Line}").ToArray());
    }

    [Fact]
    public void Mermaid_pictures_name_their_kind_and_every_arrow_names_known_boxes()
    {
        var pictures = Markdown.All.Where(s => s.Language == "mermaid").ToList();
        Assert.Contains(pictures, s => s.File == "docs/architecture.md");
        foreach (var picture in pictures)
        {
            var lines = picture.Code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            Assert.True(lines[0].StartsWith("flowchart ", StringComparison.Ordinal), $"{picture}: a picture starts with 'flowchart DIRECTION'");
            var boxes = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^(?:subgraph\s+)?(\w+)\s*\[")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (var arrow in lines.Where(l => l.Contains("-->", StringComparison.Ordinal)))
            {
                var ends = arrow.Split("-->").Select(e => System.Text.RegularExpressions.Regex.Match(e.Trim(), @"^\w+").Value).ToList();
                Assert.All(ends, end => Assert.True(boxes.Contains(end), $"{picture}: '{arrow}' names '{end}', which no box declares"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void CSharp_snippets_compile(string document)
    {
        var snippets = Checked(document, "csharp");
        var (_, errors) = SnippetCompiler.Compile(AssemblyName(document), snippets);
        output.WriteLine($"{snippets.Count} C# snippets in {document}");
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Spec_snippets_are_valid_specs(string document)
    {
        var registry = new TaskRegistry().AddBuiltIns()
            .RegisterAssembly(ExampleTasks.Assembly)
            .RegisterAssembly(typeof(PluginTasks.GreetTask).Assembly);

        // Task types the document declares in its C# snippets are known to its specs.
        var code = Checked(document, "csharp");
        if (code.Count > 0)
        {
            var (assembly, errors) = SnippetCompiler.Compile(AssemblyName(document) + ".Specs", code);
            Assert.True(assembly is not null, string.Join('\n', errors));
            registry.RegisterAssembly(assembly);
        }

        var specs = Checked(document, "yaml").Concat(Checked(document, "json")).ToList();
        var failures = new List<string>();
        foreach (var snippet in specs)
        {
            if (snippet.Language == "json" && !LooksLikeSpec(snippet.Code, out var jsonError))
            {
                // Request and response bodies (ProblemDetails, flow documents) need only be valid JSON.
                if (jsonError is not null)
                {
                    failures.Add($"{snippet}: not valid JSON: {jsonError}");
                }

                continue;
            }

            var result = SpecCompiler.Compile(snippet.Code, registry);
            failures.AddRange(result.Errors.Select(e => $"{snippet}: {e}"));
        }

        output.WriteLine($"{specs.Count} specs in {document}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Command_lines_use_real_verbs_and_options(string document)
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var snippet in Checked(document, "bash"))
        {
            foreach (var line in snippet.Code.Split('\n'))
            {
                foreach (var args in CliLines.Expand(line))
                {
                    count++;
                    var parsed = CommandTree.Build(new CliIO(TextWriter.Null, TextWriter.Null)).Parse(args);
                    failures.AddRange(parsed.Errors.Select(e => $"{snippet}: `flowmachine {string.Join(' ', args)}`: {e.Message}"));
                }

                failures.AddRange(MissingPaths(line).Select(p => $"{snippet}: {p} does not exist"));
            }
        }

        output.WriteLine($"{count} command lines in {document}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Every_document_with_a_bash_block_mentions_a_real_command()
    {
        var lines = Markdown.All.Where(s => s.Language == "bash").SelectMany(s => s.Code.Split('\n')).SelectMany(CliLines.Expand).ToList();
        Assert.True(lines.Count >= 10, $"only {lines.Count} flowmachine command lines were found; is the expansion broken?");
    }

    /// <summary>A JSON block is a spec when it is an array of task names or an object with <c>tasks</c>.</summary>
    private static bool LooksLikeSpec(string json, out string? error)
    {
        error = null;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return node is System.Text.Json.Nodes.JsonArray || (node is System.Text.Json.Nodes.JsonObject o && o.ContainsKey("tasks"));
        }
        catch (System.Text.Json.JsonException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static List<Snippet> Checked(string document, string language) =>
        [.. Markdown.All.Where(s => s.File == document && s.Language == language && s.SkipReason is null)];

    private static string AssemblyName(string document) =>
        "DocSnippets." + Path.GetFileNameWithoutExtension(document).Replace('-', '_');

    // Repository paths named in commands (examples/specs/x.yaml, src/FlowMachine.Cli) must exist.
    private static IEnumerable<string> MissingPaths(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t.StartsWith("examples/", StringComparison.Ordinal) || t.StartsWith("src/", StringComparison.Ordinal) || t.StartsWith("docs/", StringComparison.Ordinal) || t.StartsWith(".ci/", StringComparison.Ordinal))
            .Select(t => t.TrimEnd('/', ',', ';'))
            .Select(BeforeBuildOutput) // build output exists only after a build in that configuration
            .Where(t => !t.Contains('*', StringComparison.Ordinal) && !File.Exists(Path.Combine(Markdown.Root, t)) && !Directory.Exists(Path.Combine(Markdown.Root, t)));

    private static string BeforeBuildOutput(string path)
    {
        var bin = path.IndexOf("/bin/", StringComparison.Ordinal);
        return bin < 0 ? path : path[..bin];
    }
}
