namespace Orchestration.Notifications.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The checkout the tests run from: the first folder above the test binaries that holds Orchestration.sln.</summary>
    public static string Root { get; } = Find();

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
