namespace FlowMachine.Architecture.Tests;

/// <summary>Where the repository is: the folder above the test's output that holds FlowMachine.slnx.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FlowMachine.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"FlowMachine.slnx was not found above {AppContext.BaseDirectory}.");
    }
}
