namespace SignalRTicker.Server.Settings;

/// <summary><c>--version</c>: prints the product and its version, then exits without building the host.</summary>
public static class VersionCommand
{
    public const string Name = "--version";

    /// <summary>False when the arguments do not ask for the version, so the server should run.</summary>
    public static bool TryRun(string[] args, TextWriter output)
    {
        if (args is not [Name])
        {
            return false;
        }

        output.WriteLine($"{ProductVersion.Product} {ProductVersion.Informational}");
        return true;
    }
}
