namespace Orchestration.Testing;

public static class Repository
{
    /// <summary>The checkout the tests run from: the first folder above the test binaries that holds Orchestration.sln.</summary>
    public static string Root { get; } = Find();

    /// <summary>The build configuration of these binaries (bin/&lt;Configuration&gt;/net10.0), which the endpoints share.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestration.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException($"No Orchestration.sln above {AppContext.BaseDirectory}.");
    }
}
