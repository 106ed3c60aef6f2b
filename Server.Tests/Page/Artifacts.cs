namespace SignalRTicker.Server.Tests.Page;

/// <summary>Where the page tests leave their screenshots.</summary>
public static class Artifacts
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(Repository.Root, "TestResults", "page")).FullName;
}
