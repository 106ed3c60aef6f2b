namespace SignalRTicker.Server.Tests;

/// <summary>The checkout the tests were built from, for tests that read its source and documents.</summary>
public static class Repository
{
    /// <summary>The folder holding SignalRTicker.sln, above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SignalRTicker.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No SignalRTicker.sln above {AppContext.BaseDirectory}");
    }
}
