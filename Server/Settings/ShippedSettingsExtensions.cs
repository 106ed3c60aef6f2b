using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace SignalRTicker.Server.Settings;

public static class ShippedSettingsExtensions
{
    /// <summary>
    /// Reads the <c>appsettings.json</c> (and <c>appsettings.{Environment}.json</c>) shipped beside the binaries when the
    /// content root has none: the content root is the working directory, so a server started from anywhere else
    /// (<c>dotnet path/to/SignalRTicker.Server.dll</c>, a service manager) would otherwise run without its own
    /// settings, logging every request at Information among other things. They go in at the lowest precedence:
    /// environment variables, the command line and user secrets still override them.
    /// </summary>
    public static WebApplicationBuilder AddShippedSettings(this WebApplicationBuilder builder)
    {
        var shipped = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"))
            || !File.Exists(Path.Combine(shipped, "appsettings.json")))
        {
            return builder;
        }

        // Reloaded on change like the content root's own files: signing-key rotation and log levels apply without a
        // restart (hostBuilder:reloadConfigOnChange turns both off).
        var reload = builder.Configuration.GetValue("hostBuilder:reloadConfigOnChange", true);
        var files = new PhysicalFileProvider(shipped);
        string[] names = ["appsettings.json", $"appsettings.{builder.Environment.EnvironmentName}.json"];
        for (var i = 0; i < names.Length; i++)
        {
            builder.Configuration.Sources.Insert(i, new JsonConfigurationSource { FileProvider = files, Path = names[i], Optional = true, ReloadOnChange = reload });
        }

        return builder;
    }
}
