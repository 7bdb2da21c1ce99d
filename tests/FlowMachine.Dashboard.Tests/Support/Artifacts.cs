namespace FlowMachine.Dashboard.Tests.Support;

/// <summary>Where test artifacts go: <c>artifacts/screenshots</c> at the repository root (beside the CI's test results).</summary>
internal static class Artifacts
{
    public static string Screenshot(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowMachine.slnx")))
        {
            dir = dir.Parent;
        }

        var root = dir?.FullName ?? AppContext.BaseDirectory;
        var folder = Path.Combine(root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
