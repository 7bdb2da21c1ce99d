using System.Reflection;
using FlowMachine.Cli;

namespace FlowMachine.Examples.Tests;

/// <summary>The plugin example: its build output copied into a folder is loaded by <c>flowmachine --tasks DIR</c>.</summary>
public sealed class PluginTasksTests : IDisposable
{
    private static readonly string PluginOutput = typeof(PluginTasksTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PluginOutput").Value!;

    private readonly string folder = Directory.CreateTempSubdirectory("fm-plugin-").FullName;

    [Fact]
    public async Task The_cli_runs_a_spec_with_a_task_from_a_copied_plugin_folder()
    {
        var plugins = CopyPlugin();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(
            ["run", Path.Combine(PluginOutput, "greet.yaml"), "--tasks", plugins, "--input", "name=Ada", "--db", Path.Combine(folder, "f.db"), "--no-examples"],
            stdout, stderr, CancellationToken.None);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("Hello, Ada!", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_plugin_task_lists_its_params_schema_and_its_params()
    {
        var plugins = CopyPlugin();
        using var json = new StringWriter();
        using var text = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(0, await CliApp.RunAsync(["tasks", "--json", "--tasks", plugins, "--no-examples"], json, stderr, CancellationToken.None));
        Assert.Equal(0, await CliApp.RunAsync(["tasks", "--tasks", plugins, "--no-examples"], text, stderr, CancellationToken.None));

        var quote = System.Text.Json.Nodes.JsonNode.Parse(json.ToString())!.AsArray().Single(t => (string?)t!["name"] == "plugin.Quote")!;
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "sku": { "type": "string", "description": "The product code, such as ab-12.", "pattern": "^[a-z]{2}-[0-9]+$" },
                "quantity": { "type": "integer", "description": "How many to quote for.", "minimum": 1, "maximum": 100 }
              },
              "required": ["sku"],
              "additionalProperties": false
            }
            """), quote["paramsSchema"]), quote["paramsSchema"]?.ToJsonString());
        Assert.Contains("sku*, quantity", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_plugin_folder_the_spec_is_refused_naming_the_task_type()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["run", Path.Combine(PluginOutput, "greet.yaml"), "--db", Path.Combine(folder, "f.db")], stdout, stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("plugin.Greet", stderr.ToString(), StringComparison.Ordinal);
    }

    private string CopyPlugin()
    {
        var plugins = Directory.CreateDirectory(Path.Combine(folder, "plugins")).FullName;
        foreach (var file in Directory.GetFiles(PluginOutput, "*.dll"))
        {
            File.Copy(file, Path.Combine(plugins, Path.GetFileName(file)));
        }

        Assert.True(File.Exists(Path.Combine(plugins, "PluginTasks.dll")), $"PluginTasks.dll was not built into {PluginOutput}");
        return plugins;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
