using System.Reflection;

namespace SignalRTicker.Server.Settings;

/// <summary>The version this build reports (<c>--version</c>, the OpenAPI document), set once in Directory.Build.props.</summary>
public static class ProductVersion
{
    public const string Product = "SignalRTicker";

    /// <summary>The informational version: the release, and the commit it was built from when the build knew it (<c>1.0.0+abc123</c>).</summary>
    public static string Informational { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ProductVersion).Assembly.GetName().Version!.ToString(3);

    /// <summary>The release alone (<c>1.0.0</c>), without build metadata.</summary>
    public static string Release { get; } = Informational.Split('+')[0];
}
